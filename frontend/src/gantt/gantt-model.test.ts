import { describe, expect, it } from 'vitest';
import { execution, server, wave } from '../test/fixtures';
import { executionGantt, ticks } from './gantt-model';

const run = execution({
  waves: [
    wave({
      id: 'db',
      name: 'Databases',
      status: 'COMPLETED',
      startedAt: '2026-01-01T10:00:00Z',
      endedAt: '2026-01-01T10:10:00Z',
      servers: [
        server({ launchStatus: 'LAUNCHED', launchedAt: '2026-01-01T10:06:00Z', healthyAt: '2026-01-01T10:08:00Z' }),
      ],
    }),
    wave({
      id: 'app',
      name: 'App',
      status: 'LAUNCHING',
      startedAt: '2026-01-01T10:10:00Z',
      servers: [server({ sourceServerId: 's-2', launchStatus: 'IN_PROGRESS' })],
    }),
    wave({ id: 'web', name: 'Web' }),
  ],
});

describe('timeline model', () => {
  it('test_places_waves_and_servers_in_minutes_from_the_start_and_runs_active_ones_to_now', () => {
    const planned = new Map([['db', { start: 0, end: 30 }]]);
    const model = executionGantt(run, new Date('2026-01-01T10:25:00Z'), planned);
    const byId = Object.fromEntries(model.rows.map(r => [r.id, r]));
    expect(model.rows.map(r => r.id)).toEqual(['db', 'db/s-1', 'app', 'app/s-2', 'web']);
    expect(byId.db?.label).toBe('Databases');
    expect(byId.db?.actual).toEqual({ start: 0, end: 10 });
    expect(byId.db?.planned).toEqual({ start: 0, end: 30 });
    // A server's bar ends when it was healthy
    expect(byId['db/s-1']?.actual).toEqual({ start: 0, end: 8 });
    // The active wave and its in-progress server run until "now"
    expect(byId.app?.actual).toEqual({ start: 10, end: 25 });
    expect(byId['app/s-2']?.actual).toEqual({ start: 10, end: 25 });
    // Not started: no bar; the chart spans the planned window too
    expect(byId.web?.actual).toBeNull();
    expect(model.span).toBe(30);
  });

  it('test_chooses_round_ticks_for_the_span', () => {
    expect(ticks(25)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(ticks(3)).toEqual([0, 1, 2, 3]);
    expect(ticks(200)).toEqual([0, 60, 120, 180]);
  });
});
