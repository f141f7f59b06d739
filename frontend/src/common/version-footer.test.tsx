// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeServer, renderWithApi } from '../test/fake-api';
import { VersionFooter } from './version-footer';

describe('VersionFooter', () => {
  it('shows the version the API reports', async () => {
    const server = fakeServer({
      'GET /v1/me': () => ({
        body: { version: '7.8.9', username: 'ann', subject: 's', email: null, groups: [], permissions: [] },
      }),
    });

    renderWithApi(<VersionFooter />, server.client);

    expect(await screen.findByText('DRS Orchestration 7.8.9')).toBeTruthy();
    expect(server.requests.map(request => request.url.pathname)).toContain('/v1/me');
  });
});
