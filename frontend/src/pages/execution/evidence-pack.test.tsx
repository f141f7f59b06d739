// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useEvidencePack } from '../../api/hooks/executions';
import type { EvidenceLink } from '../../api/types';
import { fakeServer, renderWithApi } from '../../test/fake-api';
import { openDownload } from '../report/export';
import { EvidencePack } from './evidence-pack';

afterEach(() => vi.restoreAllMocks());

const DIGEST = 'a3f1'.repeat(16);
const link: EvidenceLink = {
  url: 'https://evidence.s3.amazonaws.com/evidence/ex-1/final.html?X-Amz-Signature=abc',
  expiresAt: '2026-01-01T10:25:00Z',
  fileName: 'evidence-shop-dr-ex-1.html',
  sha256: DIGEST,
  sizeBytes: 48_000,
};

/** The execution page's wiring of the pack: the hook, then a download of the link it answers. */
function Wired({ finished }: { finished: boolean }) {
  const evidence = useEvidencePack('ex-1');
  return (
    <EvidencePack
      finished={finished}
      pack={{
        run: () => evidence.mutate(undefined, { onSuccess: answer => openDownload(answer.url, answer.fileName) }),
        running: evidence.isPending,
        link: evidence.data,
        error: evidence.error,
      }}
    />
  );
}

const button = (text: string) =>
  createWrapper(document.body)
    .findAllButtons()
    .find(b => b.getElement().textContent === text);

describe('evidence pack on the run page', () => {
  it('test_downloads_the_pack_and_shows_its_digest_when_the_run_has_finished', async () => {
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const api = fakeServer({ 'GET /v1/executions/ex-1/evidence': () => ({ body: link }) });
    renderWithApi(<Wired finished />, api.client);

    // When the operator asks for the evidence pack
    button('Evidence pack (HTML)')!.click();

    // Then the API is asked for a link to the kept pack, which is downloaded, and its SHA-256 is shown
    await waitFor(() => expect(clicked).toHaveLength(1));
    const call = api.requests.find(r => r.url.pathname === '/v1/executions/ex-1/evidence');
    expect(call?.method).toBe('GET');
    expect(call?.url.searchParams.get('link')).toBe('true');
    expect(clicked[0]!.href).toBe(link.url);
    expect(clicked[0]!.download).toBe(link.fileName);
    expect(await screen.findByText(DIGEST)).toBeTruthy();
    const file = screen.getByText(link.fileName).closest('a');
    expect(file?.getAttribute('href')).toBe(link.url);
  });

  it('test_names_the_reason_when_the_pack_cannot_be_produced', async () => {
    const refused = {
      status: 409,
      body: {
        error: {
          code: 'CONFLICT',
          message: 'execution ex-1 is RUNNING: its evidence pack is produced once the run has finished',
        },
      },
    };
    const api = fakeServer({ 'GET /v1/executions/ex-1/evidence': () => refused });
    renderWithApi(<Wired finished />, api.client);

    button('Evidence pack (HTML)')!.click();

    expect(await screen.findByText('The evidence pack could not be produced')).toBeTruthy();
    expect(screen.getByText(/is RUNNING: its evidence pack is produced once the run has finished/)).toBeTruthy();
  });

  it('test_offers_no_pack_while_the_run_goes_on', () => {
    const run = vi.fn();
    render(<EvidencePack finished={false} pack={{ run, running: false, link: undefined, error: null }} />);

    expect(button('Evidence pack (HTML)')).toBeUndefined();
    expect(screen.queryByText('Evidence pack')).toBeNull();
  });
});
