import { describe, expect, it } from 'vitest';
import type { WaveServer } from '../../api/hooks/executions';
import { server, wave } from '../../test/fixtures';
import { choices, matchesText, matchingCount, pageRows, phaseText, statusChoices, statusTotals } from './server-rows';

/** The summary of a run of 4,000 servers in 4 waves: counts only, no server. */
const waves = ['db', 'app', 'web', 'batch'].map((id, n) =>
  wave({
    id,
    servers: [],
    serverCounts: {
      total: 1000,
      waiting: n === 3 ? 1000 : 0,
      launch: n === 3 ? {} : { LAUNCHED: 900, IN_PROGRESS: 60, FAILED: 40 },
      health: n === 3 ? {} : { HEALTHY: 850, UNHEALTHY: 10, UNKNOWN: 5 },
      failed: n === 3 ? 0 : 50,
      critical: 0,
      criticalRecovered: 0,
    },
  }),
);

describe('server rows of the live view', () => {
  it('test_totals_each_status_the_listing_filters_on_from_the_waves_counts_when_the_run_has_4000_servers', () => {
    const totals = statusTotals(waves);
    expect(Object.fromEntries(totals)).toEqual({
      NOT_STARTED: 1000,
      LAUNCHED: 2700,
      IN_PROGRESS: 180,
      FAILED: 120,
      HEALTHY: 2550,
      UNHEALTHY: 30,
    });
    expect(statusChoices(waves)).toEqual(['NOT_STARTED', 'IN_PROGRESS', 'LAUNCHED', 'FAILED', 'HEALTHY', 'UNHEALTHY']);
    expect(statusChoices(waves, 'TERMINATED')).toContain('TERMINATED');
  });

  it('test_counts_the_matching_servers_by_wave_and_status_and_not_once_an_account_narrows_them', () => {
    expect(matchingCount(waves, {})).toBe(4000);
    expect(matchingCount(waves, { waveId: 'app' })).toBe(1000);
    expect(matchingCount(waves, { waveId: 'app', status: 'FAILED' })).toBe(40);
    expect(matchingCount(waves, { status: 'NOT_STARTED' })).toBe(1000);
    expect(matchingCount(waves, { status: 'PENDING' })).toBe(0);
    expect(matchingCount(waves, { waveId: 'app', accountId: '111111111111' })).toBeUndefined();
  });

  it('test_keys_a_pages_rows_by_wave_and_finds_text_on_the_page', () => {
    const items: WaveServer[] = [
      { ...server({ sourceServerId: 's-1', launchStatus: null }), waveId: 'db' },
      { ...server({ sourceServerId: 's-2', launchStatus: 'FAILED', error: 'Boom' }), waveId: 'app' },
    ];
    const rows = pageRows(items);
    expect(rows.map(r => [r.key, r.launch])).toEqual([
      ['db/s-1', 'NOT_STARTED'],
      ['app/s-2', 'FAILED'],
    ]);
    expect(rows.filter(r => matchesText(r, 'boom')).map(r => r.sourceServerId)).toEqual(['s-2']);
    expect(rows.filter(r => matchesText(r, '  '))).toHaveLength(2);
    expect(choices(['b', null], ['a', 'b', undefined, ''])).toEqual(['a', 'b']);
  });

  it('test_shows_the_drs_phase_with_the_time_in_it_while_in_flight_and_only_the_phase_once_done', () => {
    const now = new Date('2026-01-01T10:30:00Z');
    const drsPhase = { phase: 'CONVERSION' as const, since: '2026-01-01T10:26:00Z' };
    expect(phaseText({ launch: 'IN_PROGRESS', drsPhase }, now)).toBe('Conversion for 4 min');
    expect(phaseText({ launch: 'FAILED', drsPhase }, now)).toBe('Conversion');
    expect(phaseText({ launch: 'IN_PROGRESS', drsPhase: null }, now)).toBe('-');
  });
});
