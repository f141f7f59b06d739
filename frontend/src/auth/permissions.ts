import { isActive } from '../api/hooks/executions';
import type { Execution, ExecutionEvent, ExecutionWave, Me, Permission } from '../api/types';
import { strings } from '../strings';

export type Role = 'Admin' | 'Operator' | 'Viewer';

const VIEWER: readonly Permission[] = ['read'];
const OPERATOR: readonly Permission[] = [...VIEWER, 'run-drill', 'steer-execution', 'terminate-drill-instances'];

/** What each Cognito group may do, as the API grants it; used until /me has answered (the token's groups). */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  Admin: [...OPERATOR, 'run-recovery', 'edit-configuration', 'manage-accounts', 'read-secrets'],
  Operator: OPERATOR,
  Viewer: VIEWER,
};

const ROLES = Object.keys(ROLE_PERMISSIONS) as Role[];

/** The strongest role among the groups (Admin > Operator > Viewer), Viewer when none is known. */
export function roleOf(groups: readonly string[]): Role {
  return ROLES.find(role => groups.includes(role)) ?? 'Viewer';
}

/** `cognito:groups` may be a list or (behind API Gateway) one string; both read the same. */
export function groupsFromClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  if (typeof claim !== 'string' || claim.trim() === '') return [];
  const text = claim.trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner
    .split(/[\s,]+/)
    .map(g => g.replace(/^"|"$/g, ''))
    .filter(g => g !== '');
}

/** /me is authoritative; before it answers, the token's groups decide. */
export function effectivePermissions(me: Me | undefined, tokenGroups: readonly string[]): ReadonlySet<Permission> {
  if (me) return new Set(me.permissions as Permission[]);
  return new Set(tokenGroups.flatMap(group => (ROLES.includes(group as Role) ? ROLE_PERMISSIONS[group as Role] : [])));
}

export interface Gate {
  allowed: boolean;
  reason?: string;
}

const ALLOWED: Gate = { allowed: true };

export function gate(permissions: ReadonlySet<Permission>, needed: Permission): Gate {
  return permissions.has(needed) ? ALLOWED : { allowed: false, reason: strings.gating.role(needed) };
}

/** The first refusal among the checks (each evaluated only if the ones before it passed), else allowed. */
function all(...checks: (() => Gate)[]): Gate {
  for (const check of checks) {
    const result = check();
    if (!result.allowed) return result;
  }
  return ALLOWED;
}

const when = (condition: boolean, reason: string) => (): Gate => (condition ? ALLOWED : { allowed: false, reason });
const needs = (permissions: ReadonlySet<Permission>, permission: Permission) => () => gate(permissions, permission);

export interface ExecutionGates {
  pause: Gate;
  resume: Gate;
  cancel: Gate;
  terminateInstances: Gate;
}

/** The recovery instances a run launched that are still there. */
export function launchedInstances(execution: Execution): string[] {
  return execution.waves.flatMap(w =>
    w.servers
      .filter(s => s.recoveryInstanceId && s.launchStatus !== 'TERMINATED')
      .map(s => s.recoveryInstanceId as string),
  );
}

/** Whether the run launched instances still there: from its servers, or its waves' counts in the summary view. */
function hasLaunchedInstances(execution: Execution): boolean {
  return (
    launchedInstances(execution).length > 0 || execution.waves.some(w => (w.serverCounts?.launch['LAUNCHED'] ?? 0) > 0)
  );
}

/** What the run-level controls allow, combining the user's role with the run's state. */
export function executionGates(execution: Execution, permissions: ReadonlySet<Permission>): ExecutionGates {
  const s = strings.gating;
  const steer = needs(permissions, 'steer-execution');
  const status = execution.status;
  return {
    pause: all(steer, when(status === 'RUNNING' || status === 'WAITING_APPROVAL', s.notRunning)),
    resume: all(steer, when(status === 'PAUSED', s.notPaused)),
    cancel: all(steer, when(isActive(status) && status !== 'CANCELLING', s.notActive)),
    terminateInstances: all(
      needs(permissions, 'terminate-drill-instances'),
      when(execution.mode === 'DRILL', s.notDrill),
      when(!isActive(status), s.stillActive),
      when(!execution.instancesTerminatedAt && hasLaunchedInstances(execution), s.noInstances),
    ),
  };
}

/**
 * The waves waiting for an approval: an APPROVAL_REQUESTED event not yet followed by a grant or a rejection
 * for the same wave.
 */
export function wavesAwaitingApproval(events: readonly ExecutionEvent[]): Set<string> {
  const waiting = new Set<string>();
  for (const event of events) {
    if (!event.waveId) continue;
    if (event.type === 'APPROVAL_REQUESTED') waiting.add(event.waveId);
    if (event.type === 'APPROVAL_GRANTED' || event.type === 'APPROVAL_REJECTED') waiting.delete(event.waveId);
  }
  return waiting;
}

export interface WaveGates {
  approve: Gate;
  retry: Gate;
  skip: Gate;
}

/** What the per-wave controls allow. */
export function waveGates(
  execution: Execution,
  wave: ExecutionWave,
  permissions: ReadonlySet<Permission>,
  awaitingApproval: ReadonlySet<string>,
): WaveGates {
  const s = strings.gating;
  const steer = needs(permissions, 'steer-execution');
  const runActive = when(isActive(execution.status), s.notActive);
  return {
    approve: all(steer, runActive, when(awaitingApproval.has(wave.id), s.notAwaitingApproval)),
    retry: all(steer, runActive, when(wave.status === 'FAILED', s.notFailed)),
    skip: all(steer, runActive, when(wave.status === 'PENDING' || wave.status === 'FAILED', s.notSkippable)),
  };
}

/** Starting a run needs the drill permission for a drill and the separate recovery permission for a recovery. */
export function startGate(permissions: ReadonlySet<Permission>, mode: 'DRILL' | 'RECOVERY' | 'FAILBACK'): Gate {
  return gate(permissions, mode === 'DRILL' ? 'run-drill' : 'run-recovery');
}
