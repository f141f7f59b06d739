import type { Execution, ExecutionWave, Me, Permission } from '../api/types';
import { isActive } from '../api/hooks/executions';
import { strings } from '../strings';

export type Role = 'Admin' | 'Operator' | 'Viewer';

/** What each Cognito group may do when the API's /me is not available yet (the token's cognito:groups). */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  Admin: [
    'protection-groups:write',
    'recovery-plans:write',
    'executions:drill',
    'executions:recovery',
    'executions:control',
    'executions:approve',
    'accounts:write',
  ],
  Operator: [
    'protection-groups:write',
    'recovery-plans:write',
    'executions:drill',
    'executions:control',
    'executions:approve',
  ],
  Viewer: [],
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
  if (me) return new Set(me.permissions);
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

function both(first: Gate, second: () => Gate): Gate {
  return first.allowed ? second() : first;
}

function when(condition: boolean, reason: string): Gate {
  return condition ? ALLOWED : { allowed: false, reason };
}

export interface ExecutionGates {
  pause: Gate;
  resume: Gate;
  cancel: Gate;
  terminateInstances: Gate;
}

/** What the run-level controls allow, combining the user's role with the run's state. */
export function executionGates(execution: Execution, permissions: ReadonlySet<Permission>): ExecutionGates {
  const control = gate(permissions, 'executions:control');
  const s = strings.gating;
  const launched = execution.waves.some(w => w.servers.some(server => server.recoveryInstanceId));
  return {
    pause: both(control, () => when(execution.status === 'RUNNING', s.notRunning)),
    resume: both(control, () => when(execution.status === 'PAUSED', s.notPaused)),
    cancel: both(control, () => when(isActive(execution.status) && execution.status !== 'CANCELLING', s.notActive)),
    terminateInstances: both(control, () =>
      both(when(execution.mode === 'DRILL', s.notDrill), () =>
        both(when(!isActive(execution.status), s.stillActive), () =>
          when(launched && !execution.instancesTerminated, s.noInstances),
        ),
      ),
    ),
  };
}

export interface WaveGates {
  approve: Gate;
  retry: Gate;
  skip: Gate;
}

/** What the per-wave controls allow. */
export function waveGates(execution: Execution, wave: ExecutionWave, permissions: ReadonlySet<Permission>): WaveGates {
  const s = strings.gating;
  const runActive = when(isActive(execution.status), s.notActive);
  const control = both(gate(permissions, 'executions:control'), () => runActive);
  return {
    approve: both(gate(permissions, 'executions:approve'), () =>
      both(runActive, () => when(wave.status === 'AWAITING_APPROVAL', s.notAwaitingApproval)),
    ),
    retry: both(control, () => when(wave.status === 'FAILED', s.notFailed)),
    skip: both(control, () => when(wave.status === 'PENDING' || wave.status === 'FAILED', s.notSkippable)),
  };
}

/** Starting a run needs the drill permission for a drill and the separate recovery permission for a recovery. */
export function startGate(permissions: ReadonlySet<Permission>, mode: 'DRILL' | 'RECOVERY'): Gate {
  return gate(permissions, mode === 'DRILL' ? 'executions:drill' : 'executions:recovery');
}
