import { isActive } from '../../api/hooks/executions';
import type { Execution, ExecutionHeader, GroupServer, RecoveryPlan, ReplicationState } from '../../api/types';
import { launchedInstances } from '../../auth/permissions';
import { replicationHealth, type ReplicationHealth } from '../../common/status';

export type ReplicationCounts = Record<ReplicationHealth, number>;

export function countByReplication(
  servers: readonly { replicationState?: ReplicationState | null }[],
): ReplicationCounts {
  const counts: ReplicationCounts = { healthy: 0, syncing: 0, stopped: 0 };
  for (const server of servers) counts[replicationHealth(server.replicationState)] += 1;
  return counts;
}

export interface GroupReadiness {
  groupId: string;
  servers: number;
  ready: number;
  blocked: number;
  replication: ReplicationCounts;
}

/**
 * Per group: how many of its servers are ready for a drill (warnings do not block one), blocked, and in which
 * replication state.
 */
export function groupReadiness(groupId: string, servers: readonly GroupServer[]): GroupReadiness {
  return {
    groupId,
    servers: servers.length,
    ready: servers.filter(s => s.verdict === 'READY' || s.verdict === 'WARNINGS').length,
    blocked: servers.filter(s => s.verdict === 'BLOCKED').length,
    replication: countByReplication(servers),
  };
}

/** When a run began (its start, or its creation while still pending). */
export function runTime(run: Pick<ExecutionHeader, 'startedAt' | 'createdAt'>): string {
  return run.startedAt ?? run.createdAt;
}

export interface PlanDrill {
  plan: RecoveryPlan;
  lastDrill: ExecutionHeader | null;
}

/** Each plan with its most recent drill. */
export function plansWithLastDrill(
  plans: readonly RecoveryPlan[],
  executions: readonly ExecutionHeader[],
): PlanDrill[] {
  const latest = new Map<string, ExecutionHeader>();
  for (const run of executions) {
    if (run.mode !== 'DRILL') continue;
    const seen = latest.get(run.planId);
    if (!seen || runTime(seen) < runTime(run)) latest.set(run.planId, run);
  }
  return plans.map(plan => ({ plan, lastDrill: latest.get(plan.id) ?? null }));
}

export function activeExecutions(executions: readonly ExecutionHeader[]): ExecutionHeader[] {
  return executions.filter(run => isActive(run.status));
}

/** Ended drills whose recovery instances have not been terminated: they may still cost money. */
export function drillsNotCleanedUp(executions: readonly ExecutionHeader[]): ExecutionHeader[] {
  return executions.filter(run => run.mode === 'DRILL' && !run.instancesTerminatedAt && !isActive(run.status));
}

export interface DrillInstances {
  execution: Execution;
  instanceIds: string[];
}

/** Of those drills, the ones that really left instances behind, with their ids. */
export function runningDrillInstances(executions: readonly Execution[]): DrillInstances[] {
  return executions
    .map(execution => ({ execution, instanceIds: launchedInstances(execution) }))
    .filter(entry => entry.instanceIds.length > 0);
}
