// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, renderHook, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiProvider } from '../../api/context';
import { SCAN_POLL_MS, SCAN_WAIT_MS, scanArrived, useReadiness, type Readiness } from '../../api/hooks/readiness';
import { formatAgo } from '../../common/format';
import { fakeServer, newQueryClient } from '../../test/fake-api';
import { fixLink, ReadinessPanel, scoreStatus, type ReadinessPanelProps } from './readiness-panel';

const NOW = new Date('2026-12-05T09:00:00Z');

const READINESS: Readiness = {
  score: 62,
  checkedAt: '2026-12-05T03:00:00Z',
  history: [
    { date: '2026-12-03', score: 91 },
    { date: '2026-12-04', score: 80 },
    { date: '2026-12-05', score: 62 },
  ],
  findings: [
    {
      code: 'UNPROTECTED_SERVER',
      severity: 'MEDIUM',
      resourceId: 's-00000000000000009',
      message: 'intruder is in DRS but in no protection group',
    },
    { code: 'LAST_DRILL_FAILED', severity: 'HIGH', resourceId: 'rp-shop', message: 'the last drill failed' },
    { code: 'ACCOUNT_UNREACHABLE', severity: 'HIGH', resourceId: '444455556666', message: 'AssumeRole denied' },
    { code: 'QUOTA_HEADROOM', severity: 'LOW', resourceId: '111122223333/us-east-1', message: '280 of 300' },
  ],
};

function panel(overrides: Partial<ReadinessPanelProps> = {}) {
  const props: ReadinessPanelProps = {
    readiness: READINESS,
    loading: false,
    error: null,
    scanning: false,
    scanGate: { allowed: true },
    onScan: vi.fn(),
    now: NOW,
    ...overrides,
  };
  render(
    <MemoryRouter>
      <ReadinessPanel {...props} />
    </MemoryRouter>,
  );
  return props;
}

describe('readiness panel', () => {
  it('test_shows_the_score_its_trend_and_each_finding_with_where_to_fix_it', () => {
    panel();

    expect(screen.getByText('62')).toBeTruthy();
    expect(screen.getByText(`Scanned ${formatAgo('2026-12-05T03:00:00Z', NOW)}`)).toBeTruthy();
    // the trend is a chart of one point a day, on the time axis
    const chart = screen.getByRole('application', { name: 'Score over time' });
    const days = Array.from(chart.querySelectorAll('[role="listitem"][aria-label]')).map(tick =>
      tick.getAttribute('aria-label'),
    );
    expect([...new Set(days)]).toEqual(['12-03', '12-04', '12-05']);
    const table = screen.getByRole('table', { name: 'Findings' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(row => within(row).getAllByRole('cell')[1]?.textContent)).toEqual([
      'Unprotected server',
      'Last drill failed',
      'Account unreachable',
      'Quota headroom',
    ]);
    const links = within(table)
      .getAllByRole('link')
      .map(link => [link.textContent, link.getAttribute('href')]);
    expect(links).toEqual([
      ['Add to a protection group', '/protection-groups/new'],
      ['Open the plan', '/recovery-plans/rp-shop'],
      ['Check the account', '/settings'],
    ]);
  });

  it('test_says_not_scanned_yet_and_nothing_found_before_the_first_scan', () => {
    panel({ readiness: { score: null, checkedAt: null, findings: [], history: [] } });

    expect(screen.getByText('Not scanned yet')).toBeTruthy();
    expect(screen.getByText('Nothing found: every check passed.')).toBeTruthy();
    expect(screen.getByText('No scans yet')).toBeTruthy();
  });

  it('test_scan_now_is_offered_to_who_may_run_drills_and_disabled_for_others', () => {
    const allowed = panel();
    fireEvent.click(screen.getByRole('button', { name: 'Scan now' }));
    expect(allowed.onScan).toHaveBeenCalledOnce();
  });

  it('test_scan_now_is_disabled_with_the_reason_for_a_viewer', () => {
    const denied = panel({ scanGate: { allowed: false, reason: 'Your role cannot run drills' } });
    const button = screen.getByRole('button', { name: 'Scan now' });
    fireEvent.click(button);
    expect(denied.onScan).not.toHaveBeenCalled();
    expect(button.getAttribute('aria-disabled') === 'true' || button.hasAttribute('disabled')).toBe(true);
  });

  it('test_colours_the_score_by_band_and_links_only_what_the_console_can_fix', () => {
    expect([scoreStatus(95), scoreStatus(75), scoreStatus(40)]).toEqual(['success', 'warning', 'error']);
    expect(fixLink({ code: 'SELECTION_DRIFT', severity: 'MEDIUM', resourceId: 'rp-a b', message: '' })?.href).toBe(
      '/recovery-plans/rp-a%20b',
    );
    expect(fixLink({ code: 'REPLICATION_UNHEALTHY', severity: 'HIGH', resourceId: 's-1', message: '' })).toBe(
      undefined,
    );
  });
});

describe('useReadiness', () => {
  beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
  afterEach(() => vi.useRealTimers());

  function wrapperFor(server: ReturnType<typeof fakeServer>) {
    const queryClient = newQueryClient();
    return ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>
        <ApiProvider client={server.client}>{children}</ApiProvider>
      </QueryClientProvider>
    );
  }

  it('test_asks_for_a_scan_and_reads_again_until_its_result_is_stored', async () => {
    let stored: Readiness = { ...READINESS, checkedAt: '2026-12-05T03:00:00Z' };
    const server = fakeServer({
      'GET /v1/readiness': () => ({ body: stored }),
      'POST /v1/readiness/scans': () => ({
        status: 202,
        body: { requestedAt: '2026-12-05T09:00:00Z', requestedBy: 'operator' },
      }),
    });
    const { result } = renderHook(() => useReadiness(), { wrapper: wrapperFor(server) });
    await vi.waitFor(() => expect(result.current.readiness?.score).toBe(62));

    act(() => result.current.scan());
    await vi.waitFor(() => expect(result.current.scanning).toBe(true));
    expect(server.requests.filter(r => r.method === 'POST').map(r => r.url.pathname)).toEqual(['/v1/readiness/scans']);

    stored = { ...READINESS, score: 95, checkedAt: '2026-12-05T09:00:30Z' };
    await act(async () => {
      await vi.advanceTimersByTimeAsync(SCAN_POLL_MS);
    });
    await vi.waitFor(() => expect(result.current.readiness?.score).toBe(95));
    expect(result.current.scanning).toBe(false);
  });

  it('test_stops_waiting_for_a_scan_that_stored_nothing_once_the_scan_function_has_timed_out', async () => {
    const server = fakeServer({
      'GET /v1/readiness': () => ({ body: READINESS }),
      'POST /v1/readiness/scans': () => ({
        status: 202,
        body: { requestedAt: '2026-12-05T09:00:00Z', requestedBy: 'operator' },
      }),
    });
    const { result } = renderHook(() => useReadiness(), { wrapper: wrapperFor(server) });
    await vi.waitFor(() => expect(result.current.readiness?.score).toBe(62));

    act(() => result.current.scan());
    await vi.waitFor(() => expect(result.current.scanning).toBe(true));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(SCAN_WAIT_MS + SCAN_POLL_MS);
    });

    await vi.waitFor(() => expect(result.current.scanning).toBe(false));
    expect(result.current.readiness?.score).toBe(62);
  });

  it('test_a_result_counts_as_arrived_only_from_the_time_the_scan_was_asked', () => {
    expect(scanArrived(READINESS, undefined)).toBe(true);
    expect(scanArrived(READINESS, '2026-12-05T02:59:59Z')).toBe(true);
    expect(scanArrived(READINESS, '2026-12-05T03:00:01Z')).toBe(false);
    expect(scanArrived({ ...READINESS, checkedAt: null }, '2026-12-05T03:00:00Z')).toBe(false);
  });
});
