import { describe, expect, it } from 'vitest';
import type { ExecutionHeader, GroupServer, RecoveryPlan } from '../../api/types';
import { execution, server, wave } from '../../test/fixtures';
import {
  activeExecutions,
  countByReplication,
  drillsNotCleanedUp,
  groupReadiness,
  plansWithLastDrill,
  runningDrillInstances,
} from './summary';

const header = (over: Partial<ExecutionHeader>): ExecutionHeader => ({
  id: 'ex',
  planId: 'rp-1',
  planVersion: 1,
  planName: 'shop-dr',
  mode: 'DRILL',
  status: 'SUCCEEDED',
  statusReason: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: null,
  startedBy: 'op',
  ...over,
});

describe('dashboard summary', () => {
  it('test_counts_servers_by_replication_health_and_readiness', () => {
    const member = (replicationState: GroupServer['replicationState'], verdict: GroupServer['verdict']) =>
      ({ sourceServerId: 's', tags: {}, inInventory: true, reasons: [], replicationState, verdict }) as GroupServer;
    const servers = [
      member('CONTINUOUS', 'READY'),
      member('CONTINUOUS', 'WARNINGS'),
      member('INITIAL_SYNC', 'BLOCKED'),
      member('STALLED', 'BLOCKED'),
      member(null, 'BLOCKED'),
    ];
    expect(countByReplication(servers)).toEqual({ healthy: 2, syncing: 1, stopped: 2 });
    expect(groupReadiness('pg-1', servers)).toMatchObject({ servers: 5, ready: 2, blocked: 3 });
  });

  it('test_pairs_each_plan_with_its_latest_drill_ignoring_recoveries', () => {
    const plans = [{ id: 'rp-1' }, { id: 'rp-2' }] as RecoveryPlan[];
    const runs = [
      header({ id: 'old', startedAt: '2026-01-01T00:00:00Z' }),
      header({ id: 'new', startedAt: null, createdAt: '2026-02-01T00:00:00Z' }),
      header({ id: 'rec', mode: 'RECOVERY', startedAt: '2026-03-01T00:00:00Z' }),
    ];
    expect(plansWithLastDrill(plans, runs).map(r => r.lastDrill?.id ?? null)).toEqual(['new', null]);
  });

  it('test_lists_ended_drills_not_cleaned_up_and_the_instances_they_left', () => {
    const runs = [
      header({ id: 'a' }),
      header({ id: 'b', instancesTerminatedAt: '2026-01-02T00:00:00Z' }),
      header({ id: 'c', mode: 'RECOVERY' }),
      header({ id: 'd', status: 'RUNNING' }),
    ];
    expect(drillsNotCleanedUp(runs).map(r => r.id)).toEqual(['a']);
    expect(activeExecutions(runs).map(r => r.id)).toEqual(['d']);
    const servers = [
      server({ recoveryInstanceId: 'i-1', launchStatus: 'LAUNCHED' }),
      server({ recoveryInstanceId: 'i-2', launchStatus: 'TERMINATED' }),
      server(),
    ];
    const details = [execution({ id: 'a', waves: [wave({ servers })] }), execution({ id: 'e', waves: [wave()] })];
    expect(runningDrillInstances(details).map(d => [d.execution.id, d.instanceIds])).toEqual([['a', ['i-1']]]);
  });
});
