import type { Execution, RecoveryPlan, SourceServer } from '../../api/types';
import { isActive } from '../../api/hooks/executions';
import { replicationHealth, type ReplicationHealth } from '../../common/status';

export type ReplicationCounts = Record<ReplicationHealth, number>;

export function countByReplication(servers: readonly SourceServer[]): ReplicationCounts {
  const counts: ReplicationCounts = { healthy: 0, syncing: 0, stopped: 0 };
  for (const server of servers) counts[replicationHealth(server.replicationState)] += 1;
  return counts;
}

export interface PlanDrill {
  plan: RecoveryPlan;
  lastDrill: Execution | null;
}

/** Each plan with its most recent drill (by start time). */
export function plansWithLastDrill(plans: readonly RecoveryPlan[], executions: readonly Execution[]): PlanDrill[] {
  const latest = new Map<string, Execution>();
  for (const run of executions) {
    if (run.mode !== 'DRILL') continue;
    const seen = latest.get(run.planId);
    if (!seen || seen.startedAt < run.startedAt) latest.set(run.planId, run);
  }
  return plans.map(plan => ({ plan, lastDrill: latest.get(plan.id) ?? null }));
}

export function activeExecutions(executions: readonly Execution[]): Execution[] {
  return executions.filter(run => isActive(run.status));
}

export interface DrillInstances {
  execution: Execution;
  instanceIds: string[];
}

/** Drill runs that left recovery instances behind (they cost money until terminated). */
export function runningDrillInstances(executions: readonly Execution[]): DrillInstances[] {
  return executions
    .filter(run => run.mode === 'DRILL' && !run.instancesTerminated)
    .map(run => ({
      execution: run,
      instanceIds: (run.waves ?? []).flatMap(wave =>
        wave.servers
          .filter(s => s.recoveryInstanceId && s.launchStatus !== 'TERMINATED')
          .map(s => s.recoveryInstanceId as string),
      ),
    }))
    .filter(entry => entry.instanceIds.length > 0);
}
