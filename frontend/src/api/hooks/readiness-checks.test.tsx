// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { act, render, renderHook, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadinessPanel } from '../../pages/recovery-plan-edit/readiness-panel';
import { fakeServer, newQueryClient } from '../../test/fake-api';
import { ApiProvider } from '../context';
import {
  progressPercent,
  READINESS_POLL_MS,
  readinessPollInterval,
  useReadinessCheck,
  type ReadinessCheck,
} from './readiness-checks';

const base = {
  id: 'rc-1',
  planId: 'rp-big',
  mode: 'DRILL' as const,
  startedAt: '2026-12-04T10:00:00Z',
  startedBy: 'viewer',
  expiresAt: '2026-12-11T10:00:00Z',
};

function running(checked: number, total = 600): ReadinessCheck {
  return { ...base, status: 'RUNNING', progress: { checkedServers: checked, totalServers: total } };
}

function completed(total = 600): ReadinessCheck {
  return {
    ...base,
    status: 'COMPLETED',
    completedAt: '2026-12-04T10:03:00Z',
    progress: { checkedServers: total, totalServers: total },
    report: {
      mode: 'DRILL',
      checkedAt: '2026-12-04T10:00:00Z',
      verdict: 'READY',
      waves: [
        {
          waveId: 'db',
          verdict: 'READY',
          reasons: [],
          quotaFit: { serverCount: total, jobsNeeded: 6, launchRounds: 2, fitsAtOnce: false },
          servers: [],
        },
      ],
    },
  };
}

function wrapperFor(server: ReturnType<typeof fakeServer>) {
  const queryClient = newQueryClient();
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={server.client}>{children}</ApiProvider>
    </QueryClientProvider>
  );
}

/** Let the fake clock run `ms`, then let the requests it started answer and the hook re-render. */
async function elapse(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
  // The query tells a result on a later timer tick: give it a few (10 ms in all, far below a poll interval).
  for (let round = 0; round < 10; round += 1) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
  }
}

describe('readiness check polling', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('test_polls_only_while_the_check_runs', () => {
    expect(readinessPollInterval(undefined)).toBe(READINESS_POLL_MS);
    expect(readinessPollInterval('RUNNING')).toBe(READINESS_POLL_MS);
    expect(readinessPollInterval('COMPLETED')).toBe(false);
    expect(readinessPollInterval('FAILED')).toBe(false);
  });

  it('test_progress_is_the_share_of_servers_checked_when_shown', () => {
    expect(progressPercent({ checkedServers: 300, totalServers: 600 })).toBe(50);
    expect(progressPercent({ checkedServers: 599, totalServers: 600 })).toBe(99);
    expect(progressPercent({ checkedServers: 0, totalServers: 0 })).toBe(0);
  });

  it('test_follows_a_large_plans_check_until_it_completes_when_started', async () => {
    // Given an API that accepts the check (202, RUNNING) and then reports progress, then the report
    const answers = [running(300), running(550), completed()];
    const api = fakeServer({
      'POST /v1/recovery-plans/rp-big/readiness-checks': () => ({ status: 202, body: running(0) }),
      'GET /v1/recovery-plans/rp-big/readiness-checks/rc-1': () => ({ body: answers.shift() }),
    });
    const { result } = renderHook(() => useReadinessCheck('rp-big'), { wrapper: wrapperFor(api) });

    // When the operator starts a check for a drill
    act(() => result.current.run('DRILL'));
    await elapse(0);

    // Then the check was asked for in drill mode, is read at once, and is running
    expect(api.requests[0]?.url.searchParams.get('mode')).toBe('DRILL');
    expect(result.current.check?.progress.checkedServers).toBe(300);
    expect(result.current.loading).toBe(true);

    // When a poll interval passes, then another
    await elapse(READINESS_POLL_MS);
    expect(result.current.check?.progress.checkedServers).toBe(550);
    await elapse(READINESS_POLL_MS);

    // Then the check is COMPLETED with its report, and polling stops
    expect(result.current.check?.status).toBe('COMPLETED');
    expect(result.current.loading).toBe(false);
    const reads = api.requests.filter(r => r.method === 'GET').length;
    await elapse(5 * READINESS_POLL_MS);
    expect(api.requests.filter(r => r.method === 'GET')).toHaveLength(reads);
    expect(reads).toBe(3);
  });

  it('test_shows_a_small_plans_report_without_polling_when_answered_at_once', async () => {
    const api = fakeServer({
      'POST /v1/recovery-plans/rp-small/readiness-checks': () => ({ status: 201, body: completed(20) }),
    });
    const { result } = renderHook(() => useReadinessCheck('rp-small'), { wrapper: wrapperFor(api) });

    act(() => result.current.run('RECOVERY'));
    await elapse(3 * READINESS_POLL_MS);

    expect(result.current.check?.status).toBe('COMPLETED');
    expect(api.requests.map(r => r.method)).toEqual(['POST']);
  });

  it('test_stops_polling_and_keeps_the_reason_when_the_check_fails', async () => {
    const failed: ReadinessCheck = {
      ...base,
      status: 'FAILED',
      completedAt: '2026-12-04T10:15:00Z',
      progress: { checkedServers: 120, totalServers: 600 },
      error: 'the check did not finish within 15 minutes',
    };
    const api = fakeServer({
      'POST /v1/recovery-plans/rp-big/readiness-checks': () => ({ status: 202, body: running(0) }),
      'GET /v1/recovery-plans/rp-big/readiness-checks/rc-1': () => ({ body: failed }),
    });
    const { result } = renderHook(() => useReadinessCheck('rp-big'), { wrapper: wrapperFor(api) });

    act(() => result.current.run('DRILL'));
    await elapse(3 * READINESS_POLL_MS);

    expect(result.current.check).toEqual(failed);
    expect(result.current.loading).toBe(false);
    expect(api.requests.filter(r => r.method === 'GET')).toHaveLength(1);
  });
});

describe('readiness panel', () => {
  const panel = (check: ReadinessCheck | undefined) =>
    render(<ReadinessPanel check={check} error={null} loading={false} action={null} waveName={id => `Wave ${id}`} />);

  it('test_shows_how_many_servers_were_checked_while_the_check_runs', () => {
    panel(running(300));
    expect(screen.getByText('Checked 300 of 600 servers')).toBeTruthy();
    expect(screen.queryByText('Verdict (Drill)')).toBeNull();
  });

  it('test_shows_the_report_once_the_check_completed', () => {
    panel(completed());
    expect(screen.getByText('Verdict (Drill)')).toBeTruthy();
    expect(screen.getByText('Wave db')).toBeTruthy();
    expect(screen.queryByText(/Checked \d+ of/)).toBeNull();
  });

  it('test_shows_why_when_the_check_failed', () => {
    panel({ ...running(10), status: 'FAILED', completedAt: base.startedAt, error: 'DRS is unreachable' });
    expect(screen.getByText('The readiness check failed')).toBeTruthy();
    expect(screen.getByText('DRS is unreachable')).toBeTruthy();
  });
});
