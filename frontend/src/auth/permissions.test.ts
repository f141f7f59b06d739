import { describe, expect, it } from 'vitest';
import type { ExecutionEvent, Me } from '../api/types';
import { execution, server, wave } from '../test/fixtures';
import {
  effectivePermissions,
  executionGates,
  groupsFromClaim,
  ROLE_PERMISSIONS,
  roleOf,
  startGate,
  waveGates,
  wavesAwaitingApproval,
} from './permissions';

const operator = new Set(ROLE_PERMISSIONS.Operator);
const viewer = new Set(ROLE_PERMISSIONS.Viewer);
const launched = (instance: string | null) =>
  wave({ status: 'COMPLETED', servers: [server({ launchStatus: 'LAUNCHED', recoveryInstanceId: instance })] });

describe('role gating', () => {
  it('test_disables_every_control_with_the_role_reason_when_user_is_a_viewer', () => {
    const gates = executionGates(execution({ status: 'RUNNING' }), viewer);
    expect(gates.pause).toEqual({ allowed: false, reason: 'Your role does not allow you to steer executions.' });
    expect(gates.cancel.allowed).toBe(false);
    expect(gates.terminateInstances.reason).toBe('Your role does not allow you to terminate drill instances.');
  });

  it('test_allows_pause_but_not_resume_when_operator_and_running', () => {
    const gates = executionGates(execution({ status: 'RUNNING' }), operator);
    expect(gates.pause.allowed).toBe(true);
    expect(gates.resume).toEqual({ allowed: false, reason: 'Only a paused execution can be resumed.' });
    expect(executionGates(execution({ status: 'PAUSED' }), operator).resume.allowed).toBe(true);
  });

  it('test_allows_terminating_drill_instances_only_after_a_drill_that_launched_some', () => {
    const ended = { status: 'SUCCEEDED' as const };
    expect(executionGates(execution({ ...ended, waves: [launched('i-1')] }), operator).terminateInstances.allowed).toBe(
      true,
    );
    expect(executionGates(execution({ waves: [launched('i-1')] }), operator).terminateInstances.reason).toBe(
      'Wait until the execution has ended.',
    );
    expect(executionGates(execution({ ...ended, waves: [launched(null)] }), operator).terminateInstances.reason).toBe(
      'No drill instances are running.',
    );
    const recovery = execution({ ...ended, mode: 'RECOVERY', waves: [launched('i-1')] });
    expect(executionGates(recovery, new Set(ROLE_PERMISSIONS.Admin)).terminateInstances.allowed).toBe(false);
  });

  it('test_gates_wave_controls_by_wave_state_and_pending_approval', () => {
    const pending = wave({ status: 'PRE_ACTIONS' });
    const run = execution({ status: 'WAITING_APPROVAL', waves: [pending] });
    expect(waveGates(run, pending, operator, new Set(['db'])).approve.allowed).toBe(true);
    expect(waveGates(run, pending, operator, new Set()).approve.reason).toBe('The wave is not waiting for approval.');
    expect(waveGates(run, pending, viewer, new Set(['db'])).approve.allowed).toBe(false);
    const failed = wave({ status: 'FAILED' });
    const gates = waveGates(execution({ waves: [failed] }), failed, operator, new Set());
    expect([gates.retry.allowed, gates.skip.allowed, gates.approve.allowed]).toEqual([true, true, false]);
    expect(waveGates(execution({ status: 'FAILED' }), failed, operator, new Set()).retry.reason).toBe(
      'The execution has ended.',
    );
  });

  it('test_finds_waves_awaiting_approval_from_the_event_timeline', () => {
    const event = (type: string, waveId: string): ExecutionEvent => ({
      executionId: 'ex-1',
      eventId: `${type}-${waveId}`,
      at: '2026-01-01T10:00:00Z',
      type,
      message: '',
      waveId,
    });
    const events = [
      event('APPROVAL_REQUESTED', 'db'),
      event('APPROVAL_REQUESTED', 'app'),
      event('APPROVAL_GRANTED', 'db'),
    ];
    expect([...wavesAwaitingApproval(events)]).toEqual(['app']);
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
    const me: Me = {
      version: '1.0.0',
      subject: 's',
      username: 'u',
      email: null,
      groups: ['Viewer'],
      permissions: ['run-recovery'],
    };
    expect([...effectivePermissions(me, ['Admin'])]).toEqual(['run-recovery']);
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
