import { describe, expect, it } from 'vitest';
import type { Execution, ExecutionWave, Me, Permission } from '../api/types';
import {
  effectivePermissions,
  executionGates,
  groupsFromClaim,
  ROLE_PERMISSIONS,
  roleOf,
  startGate,
  waveGates,
} from './permissions';

const perms = (...p: Permission[]) => new Set<Permission>(p);
const operator = new Set(ROLE_PERMISSIONS.Operator);
const viewer = new Set(ROLE_PERMISSIONS.Viewer);

function run(status: Execution['status'], waves: ExecutionWave[] = [], mode: Execution['mode'] = 'DRILL'): Execution {
  return { id: 'ex-1', planId: 'rp-1', planVersion: 1, mode, status, startedAt: '2026-01-01T00:00:00Z', endedAt: null, startedBy: 'op', waves };
}

function wave(status: ExecutionWave['status'], instance: string | null = null): ExecutionWave {
  return {
    id: 'db',
    status,
    startedAt: null,
    endedAt: null,
    servers: [{ sourceServerId: 's-1', jobId: null, launchStatus: 'LAUNCHED', recoveryInstanceId: instance, health: null }],
  };
}

describe('role gating', () => {
  it('test_disables_every_control_with_the_role_reason_when_user_is_a_viewer', () => {
    const gates = executionGates(run('RUNNING'), viewer);
    expect(gates.pause).toEqual({ allowed: false, reason: 'Your role does not allow you to control executions.' });
    expect(gates.cancel.allowed).toBe(false);
  });

  it('test_allows_pause_but_not_resume_when_operator_and_running', () => {
    const gates = executionGates(run('RUNNING'), operator);
    expect(gates.pause.allowed).toBe(true);
    expect(gates.resume).toEqual({ allowed: false, reason: 'Only a paused execution can be resumed.' });
  });

  it('test_allows_terminating_drill_instances_only_after_a_drill_that_launched_some', () => {
    expect(executionGates(run('COMPLETED', [wave('COMPLETED', 'i-1')]), operator).terminateInstances.allowed).toBe(true);
    expect(executionGates(run('RUNNING', [wave('LAUNCHED', 'i-1')]), operator).terminateInstances.allowed).toBe(false);
    expect(executionGates(run('COMPLETED', [wave('COMPLETED')]), operator).terminateInstances.reason).toBe(
      'No drill instances are running.',
    );
    expect(executionGates(run('COMPLETED', [wave('COMPLETED', 'i-1')], 'RECOVERY'), operator).terminateInstances.allowed).toBe(
      false,
    );
  });

  it('test_gates_wave_controls_by_wave_state', () => {
    const awaiting = wave('AWAITING_APPROVAL');
    expect(waveGates(run('RUNNING', [awaiting]), awaiting, operator).approve.allowed).toBe(true);
    expect(waveGates(run('RUNNING', [awaiting]), awaiting, perms('executions:control')).approve.allowed).toBe(false);
    const failed = wave('FAILED');
    const gates = waveGates(run('RUNNING', [failed]), failed, operator);
    expect([gates.retry.allowed, gates.skip.allowed, gates.approve.allowed]).toEqual([true, true, false]);
    expect(waveGates(run('FAILED', [failed]), failed, operator).retry.reason).toBe('The execution has ended.');
  });

  it('test_keeps_recovery_separate_from_drill_when_starting', () => {
    expect(startGate(operator, 'DRILL').allowed).toBe(true);
    expect(startGate(operator, 'RECOVERY')).toEqual({
      allowed: false,
      reason: 'Your role does not allow you to start recoveries.',
    });
    expect(startGate(new Set(ROLE_PERMISSIONS.Admin), 'RECOVERY').allowed).toBe(true);
  });

  it('test_prefers_me_permissions_over_token_groups', () => {
    const me: Me = { user: 'u', groups: ['Viewer'], permissions: ['executions:recovery'] };
    expect([...effectivePermissions(me, ['Admin'])]).toEqual(['executions:recovery']);
    expect(effectivePermissions(undefined, ['Operator', 'Unknown'])).toEqual(operator);
  });

  it('test_reads_cognito_groups_claim_in_every_shape', () => {
    expect(groupsFromClaim(['Admin', 'Operator'])).toEqual(['Admin', 'Operator']);
    expect(groupsFromClaim('[Admin, Operator]')).toEqual(['Admin', 'Operator']);
    expect(groupsFromClaim('["Viewer"]')).toEqual(['Viewer']);
    expect(groupsFromClaim('Operator')).toEqual(['Operator']);
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(roleOf(['Viewer', 'Operator'])).toBe('Operator');
    expect(roleOf([])).toBe('Viewer');
  });
});
