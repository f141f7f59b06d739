import { describe, expect, it } from 'vitest';
import type { Execution, RecoveryPlan, SourceServer } from '../../api/types';
import { activeExecutions, countByReplication, plansWithLastDrill, runningDrillInstances } from './summary';

const run = (over: Partial<Execution>): Execution => ({
  id: 'ex',
  planId: 'rp-1',
  planVersion: 1,
  mode: 'DRILL',
  status: 'COMPLETED',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: null,
  startedBy: 'op',
  waves: [],
  ...over,
});

describe('dashboard summary', () => {
  it('test_counts_servers_by_replication_health', () => {
    const servers = ['CONTINUOUS', 'CONTINUOUS', 'INITIAL_SYNC', 'STALLED', 'DISCONNECTED'].map(
      state => ({ replicationState: state }) as SourceServer,
    );
    expect(countByReplication(servers)).toEqual({ healthy: 2, syncing: 1, stopped: 2 });
  });

  it('test_pairs_each_plan_with_its_latest_drill_ignoring_recoveries', () => {
    const plans = [{ id: 'rp-1' }, { id: 'rp-2' }] as RecoveryPlan[];
    const runs = [
      run({ id: 'old', startedAt: '2026-01-01T00:00:00Z' }),
      run({ id: 'new', startedAt: '2026-02-01T00:00:00Z' }),
      run({ id: 'rec', mode: 'RECOVERY', startedAt: '2026-03-01T00:00:00Z' }),
    ];
    const rows = plansWithLastDrill(plans, runs);
    expect(rows.map(r => r.lastDrill?.id ?? null)).toEqual(['new', null]);
  });

  it('test_lists_drill_instances_left_running_and_active_runs', () => {
    const server = (id: string | null, status: 'LAUNCHED' | 'TERMINATED' = 'LAUNCHED') => ({
      sourceServerId: 's',
      jobId: null,
      launchStatus: status,
      recoveryInstanceId: id,
      health: null,
    });
    const waves = [{ id: 'w', status: 'COMPLETED' as const, startedAt: null, endedAt: null, servers: [server('i-1'), server('i-2', 'TERMINATED'), server(null)] }];
    const runs = [
      run({ id: 'a', waves }),
      run({ id: 'b', waves, instancesTerminated: true }),
      run({ id: 'c', waves, mode: 'RECOVERY' }),
      run({ id: 'd', status: 'RUNNING' }),
    ];
    expect(runningDrillInstances(runs).map(d => [d.execution.id, d.instanceIds])).toEqual([['a', ['i-1']]]);
    expect(activeExecutions(runs).map(r => r.id)).toEqual(['d']);
  });
});
