import { describe, expect, it } from 'vitest';
import type { ExecutionServer } from '../../api/types';
import { execution, server, wave } from '../../test/fixtures';
import { filterChoices, matchesFilters, phaseText, serverRows, type ServerFilters } from './server-rows';

/** 4,000 servers over 2 accounts x 2 Regions in 4 waves, in every launch status. */
function bigRun() {
  const statuses: ExecutionServer['launchStatus'][] = [null, 'PENDING', 'IN_PROGRESS', 'LAUNCHED', 'FAILED'];
  const waves = ['db', 'app', 'web', 'batch'].map((id, w) =>
    wave({
      id,
      name: id.toUpperCase(),
      servers: Array.from({ length: 1000 }, (_, n) =>
        server({
          sourceServerId: `s-${w}-${n}`,
          launchStatus: statuses[n % statuses.length] ?? null,
          accountId: n % 2 ? '222222222222' : '111111111111',
          region: n % 4 < 2 ? 'us-east-1' : 'eu-west-1',
        }),
      ),
    }),
  );
  return execution({ waves });
}

describe('server rows of the live view', () => {
  const rows = serverRows(bigRun());
  const count = (filters: ServerFilters) => rows.filter(r => matchesFilters(r, filters)).length;

  it('test_filters_by_wave_status_account_and_region_together_when_the_run_has_4000_servers', () => {
    expect(rows).toHaveLength(4000);
    expect(count({})).toBe(4000);
    expect(count({ waveId: 'app' })).toBe(1000);
    expect(count({ launch: 'NOT_STARTED' })).toBe(800);
    expect(count({ accountId: '222222222222' })).toBe(2000);
    expect(count({ region: 'eu-west-1' })).toBe(2000);
    expect(count({ waveId: 'app', launch: 'FAILED', accountId: '111111111111', region: 'us-east-1' })).toBe(50);
    expect(count({ text: 's-3-99' })).toBe(11);
  });

  it('test_offers_only_the_values_present_with_waves_in_plan_order', () => {
    expect(filterChoices(rows)).toEqual({
      waveIds: ['db', 'app', 'web', 'batch'],
      launches: ['NOT_STARTED', 'PENDING', 'IN_PROGRESS', 'LAUNCHED', 'FAILED'],
      accountIds: ['111111111111', '222222222222'],
      regions: ['eu-west-1', 'us-east-1'],
    });
  });

  it('test_shows_the_drs_phase_with_the_time_in_it_while_in_flight_and_only_the_phase_once_done', () => {
    const now = new Date('2026-01-01T10:30:00Z');
    const drsPhase = { phase: 'CONVERSION' as const, since: '2026-01-01T10:26:00Z' };
    expect(phaseText({ launch: 'IN_PROGRESS', drsPhase }, now)).toBe('Conversion for 4 min');
    expect(phaseText({ launch: 'FAILED', drsPhase }, now)).toBe('Conversion');
    expect(phaseText({ launch: 'IN_PROGRESS', drsPhase: null }, now)).toBe('-');
  });
});
