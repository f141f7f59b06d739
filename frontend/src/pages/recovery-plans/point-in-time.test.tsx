// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../auth/permissions';
import { fakeServer, renderWithApi } from '../../test/fake-api';
import { formatGap, pointInTimeOf } from './point-in-time';
import { StartModal } from './start-modal';

const plan = { id: 'rp-1', name: 'shop-dr' };
const admin = new Set(ROLE_PERMISSIONS.Admin);
const coverage = {
  pointInTime: '2026-12-01T03:00:00Z',
  serverCount: 4,
  serversWithSnapshot: 3,
  oldestSnapshotTakenAt: '2026-12-01T02:35:00Z',
  oldestGapSeconds: 1500,
  servers: [],
};

function page() {
  return createWrapper(document.body);
}

function primaryButton() {
  const footer = page().findModal()!.findFooter()!;
  return footer.findButton('[class*="variant-primary"]') ?? footer.findAllButtons().at(-1)!;
}

function choosePointInTime(date: string, time: string) {
  const source = page()
    .findAllRadioGroups()
    .find(group => group.findInputByValue('POINT_IN_TIME'))!;
  source.findInputByValue('POINT_IN_TIME')!.click();
  page().findDatePicker()!.setInputValue(date);
  page().findTimeInput()!.setInputValue(time);
}

describe('point in time in the start dialog', () => {
  it('test_shows_the_servers_covered_and_the_oldest_gap_then_starts_from_that_time', async () => {
    // Given a plan whose servers have snapshots, all but one, at or before 03:00 UTC
    const api = fakeServer({
      'GET /v1/recovery-plans/rp-1/snapshots': () => ({ body: coverage }),
      'POST /v1/executions': () => ({ status: 202, body: { executionId: 'ex-9', status: 'PENDING' } }),
    });
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="DRILL" onDismiss={() => undefined} />,
      api.client,
    );
    // When a point in time is chosen
    choosePointInTime('2026/12/01', '03:00:00');
    // Then the dialog says how many servers are covered, the oldest gap, and who will fail
    expect(
      await screen.findByText('3 of 4 servers have a recovery snapshot at or before 2026-12-01 03:00:00Z.'),
    ).toBeTruthy();
    expect(
      screen.getByText('Oldest snapshot: 25 min before the chosen time (taken 2026-12-01 02:35:00Z).'),
    ).toBeTruthy();
    expect(screen.getByText('1 server has no snapshot that old: it will fail to start.')).toBeTruthy();
    expect(api.requests[0]?.url.searchParams.get('pointInTime')).toBe('2026-12-01T03:00:00Z');
    // And Start sends the point in time
    primaryButton().click();
    await waitFor(() =>
      expect(api.requests.find(r => r.method === 'POST')?.body).toEqual({
        planId: 'rp-1',
        mode: 'DRILL',
        pointInTime: '2026-12-01T03:00:00Z',
      }),
    );
  });

  it('test_keeps_start_disabled_and_says_why_when_the_time_is_in_the_future', () => {
    const api = fakeServer({});
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="DRILL" onDismiss={() => undefined} />,
      api.client,
    );
    choosePointInTime('2999/01/01', '00:00:00');
    expect(screen.getByText('Choose a time in the past.')).toBeTruthy();
    expect(primaryButton().isDisabled()).toBe(true);
    expect(api.requests).toHaveLength(0);
  });

  it('test_keeps_start_disabled_until_date_and_time_are_complete', () => {
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="DRILL" onDismiss={() => undefined} />,
      fakeServer({}).client,
    );
    choosePointInTime('2026/12/01', '');
    expect(primaryButton().isDisabled()).toBe(true);
    expect(screen.getByText('Choose a date and a time.')).toBeTruthy();
  });

  it('test_shows_the_api_point_in_time_error_under_the_field', async () => {
    const api = fakeServer({
      'GET /v1/recovery-plans/rp-1/snapshots': () => ({ body: coverage }),
      'POST /v1/executions': () => ({
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'invalid',
            fields: [{ name: 'pointInTime', message: 'must be within the last 365 days' }],
          },
        },
      }),
    });
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="DRILL" onDismiss={() => undefined} />,
      api.client,
    );
    choosePointInTime('2026/12/01', '03:00:00');
    primaryButton().click();
    const message = await screen.findByText('must be within the last 365 days');
    const field = page()
      .findAllFormFields()
      .find(f => f.findError()?.getElement().contains(message));
    expect(field?.findLabel()?.getElement().textContent).toBe('Point in time');
  });
});

describe('point in time values', () => {
  it('test_builds_a_utc_instant_from_a_date_and_a_time_of_day', () => {
    expect(pointInTimeOf('2026-12-01', '03:00')).toBe('2026-12-01T03:00:00Z');
    expect(pointInTimeOf('2026-12-01', '03:00:15')).toBe('2026-12-01T03:00:15Z');
    expect(pointInTimeOf('2026-12-01', '')).toBeUndefined();
    expect(pointInTimeOf('2026-02-30', '03:00')).toBeUndefined();
    expect(pointInTimeOf('2026-12-01', '25:00')).toBeUndefined();
  });

  it('test_formats_the_gap_in_minutes_and_hours', () => {
    expect(formatGap(1500)).toBe('25 min');
    expect(formatGap(7500)).toBe('2 h 5 min');
  });
});
