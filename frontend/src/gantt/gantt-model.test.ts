import { describe, expect, it } from 'vitest';
import type { Execution } from '../api/types';
import { executionGantt, ticks } from './gantt-model';

const execution: Execution = {
  id: 'ex-1',
  planId: 'rp-1',
  planVersion: 1,
  mode: 'DRILL',
  status: 'RUNNING',
  startedAt: '2026-01-01T10:00:00Z',
  endedAt: null,
  startedBy: 'op',
  waves: [
    {
      id: 'db',
      status: 'COMPLETED',
      startedAt: '2026-01-01T10:00:00Z',
      endedAt: '2026-01-01T10:10:00Z',
      servers: [
        { sourceServerId: 's-1', jobId: 'j', launchStatus: 'LAUNCHED', recoveryInstanceId: 'i-1', health: 'HEALTHY', startedAt: '2026-01-01T10:01:00Z', endedAt: '2026-01-01T10:08:00Z' },
      ],
    },
    {
      id: 'app',
      status: 'LAUNCHING',
      startedAt: '2026-01-01T10:10:00Z',
      endedAt: null,
      servers: [{ sourceServerId: 's-2', jobId: 'j2', launchStatus: 'IN_PROGRESS', recoveryInstanceId: null, health: null }],
    },
    { id: 'web', status: 'PENDING', startedAt: null, endedAt: null, servers: [] },
  ],
};

describe('timeline model', () => {
  it('test_places_waves_and_servers_in_minutes_from_the_start_and_runs_active_ones_to_now', () => {
    const model = executionGantt(execution, new Date('2026-01-01T10:25:00Z'), id => id.toUpperCase());
    const byId = Object.fromEntries(model.rows.map(r => [r.id, r]));
    expect(model.rows.map(r => r.id)).toEqual(['db', 'db/s-1', 'app', 'app/s-2', 'web']);
    expect(byId.db?.label).toBe('DB');
    expect(byId.db?.actual).toEqual({ start: 0, end: 10 });
    expect(byId['db/s-1']?.actual).toEqual({ start: 1, end: 8 });
    // Active wave and its in-progress server run until "now"
    expect(byId.app?.actual).toEqual({ start: 10, end: 25 });
    expect(byId['app/s-2']?.actual).toEqual({ start: 10, end: 25 });
    // Not started: no bar
    expect(byId.web?.actual).toBeNull();
    expect(model.span).toBe(25);
  });

  it('test_chooses_round_ticks_for_the_span', () => {
    expect(ticks(25)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(ticks(3)).toEqual([0, 1, 2, 3]);
    expect(ticks(200)).toEqual([0, 60, 120, 180]);
  });
});
