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
    expect(model.rows.map(r => r.id)).toEqual(['db', 'db/LAUNCHED', 'app', 'app/IN_FLIGHT', 'web']);
    expect(byId.db?.label).toBe('Databases');
    expect(byId.db?.actual).toEqual({ start: 0, end: 10 });
    expect(byId.db?.planned).toEqual({ start: 0, end: 30 });
    // A group's bar ends when its last server was healthy
    expect(byId['db/LAUNCHED']?.actual).toEqual({ start: 0, end: 8 });
    expect(byId['db/LAUNCHED']?.label).toBe('launched (1)');
    // The active wave and its in-progress server run until "now"
    expect(byId.app?.actual).toEqual({ start: 10, end: 25 });
    expect(byId['app/IN_FLIGHT']?.actual).toEqual({ start: 10, end: 25 });
    // Not started: no bar; the chart spans the planned window too
    expect(byId.web?.actual).toBeNull();
    expect(model.span).toBe(30);
  });

  it('test_groups_thousands_of_servers_into_a_row_per_status_with_counts_when_a_wave_is_large', () => {
    const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`;
    const servers = Array.from({ length: 4000 }, (_, n) => {
      const id = `s-${n}`;
      if (n < 2500)
        return server({
          sourceServerId: id,
          launchStatus: 'LAUNCHED',
          health: 'HEALTHY',
          launchedAt: at(5),
          healthyAt: at(n < 10 ? 30 : 12),
        });
      if (n < 3000) return server({ sourceServerId: id, launchStatus: 'LAUNCHED', launchedAt: at(9) });
      if (n < 3900) return server({ sourceServerId: id, launchStatus: 'IN_PROGRESS' });
      if (n < 3990) return server({ sourceServerId: id });
      return server({ sourceServerId: id, launchStatus: 'FAILED', error: 'boom' });
    });
    const big = execution({
      waves: [wave({ id: 'all', name: 'All', status: 'LAUNCHING', startedAt: at(0), servers })],
    });

    const model = executionGantt(big, new Date(at(40)));

    expect(model.rows.map(r => [r.id, r.count ?? null])).toEqual([
      ['all', null],
      ['all/HEALTHY', 2500],
      ['all/LAUNCHED', 500],
      ['all/IN_FLIGHT', 900],
      ['all/NOT_STARTED', 90],
      ['all/FAILED', 10],
    ]);
    const byId = Object.fromEntries(model.rows.map(r => [r.id, r]));
    // the healthy group ends with its slowest server; servers still going run to now; waiting ones have no bar
    expect(byId['all/HEALTHY']?.actual).toEqual({ start: 0, end: 30 });
    expect(byId['all/LAUNCHED']?.actual).toEqual({ start: 0, end: 9 });
    expect(byId['all/IN_FLIGHT']?.actual).toEqual({ start: 0, end: 40 });
    expect(byId['all/NOT_STARTED']?.actual).toBeNull();
    expect(byId['all/FAILED']?.group).toBe('FAILED');
  });

  it('test_chooses_round_ticks_for_the_span', () => {
    expect(ticks(25)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(ticks(3)).toEqual([0, 1, 2, 3]);
    expect(ticks(200)).toEqual([0, 60, 120, 180]);
  });

  it('test_draws_a_waves_groups_from_its_counts_when_the_summary_has_no_server', () => {
    const at = (minutes: number) => new Date(Date.parse('2026-01-01T10:00:00Z') + minutes * 60_000).toISOString();
    const counted = wave({
      id: 'all',
      status: 'LAUNCHING',
      startedAt: at(5),
      servers: [],
      serverCounts: {
        total: 4000,
        waiting: 90,
        launch: { LAUNCHED: 3000, IN_PROGRESS: 900, FAILED: 10 },
        health: { HEALTHY: 2500 },
        failed: 10,
        critical: 0,
        criticalRecovered: 0,
      },
    });
    const model = executionGantt(execution({ startedAt: at(0), waves: [counted] }), new Date(at(40)));
    expect(model.rows.map(r => [r.id, r.count ?? null, r.actual])).toEqual([
      ['all', null, { start: 5, end: 40 }],
      ['all/HEALTHY', 2500, { start: 5, end: 40 }],
      ['all/LAUNCHED', 500, { start: 5, end: 40 }],
      ['all/IN_FLIGHT', 900, { start: 5, end: 40 }],
      ['all/NOT_STARTED', 90, null],
      ['all/FAILED', 10, { start: 5, end: 40 }],
    ]);
  });
});
