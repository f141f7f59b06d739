// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ExecutionCommand } from '../../api/hooks/executions';
import type { Execution } from '../../api/types';
import { ROLE_PERMISSIONS } from '../../auth/permissions';
import { execution, server, wave } from '../../test/fixtures';
import { RunControls, WaveControls } from './controls';

const running = execution({ status: 'WAITING_APPROVAL', waves: [wave({ status: 'PRE_ACTIONS' })] });

const button = (label: string) =>
  createWrapper(document.body)
    .findAllButtons()
    .find(b => b.findTextRegion()?.getElement().textContent === label)!;

const renderRunControls = (
  run: Execution,
  role: keyof typeof ROLE_PERMISSIONS,
  onCommand: (command: ExecutionCommand) => void = () => undefined,
) =>
  render(
    <RunControls execution={run} permissions={new Set(ROLE_PERMISSIONS[role])} onCommand={onCommand} pending={false} />,
  );

describe('execution controls', () => {
  it('test_disables_controls_with_the_reason_when_user_is_a_viewer', () => {
    renderRunControls(running, 'Viewer');
    expect(button('Pause').isDisabled()).toBe(true);
    expect(screen.getAllByText('Your role does not allow you to steer executions.').length).toBeGreaterThan(0);
  });

  it('test_disables_terminate_with_the_reason_when_the_drill_instances_are_already_terminated', () => {
    const launched = wave({ status: 'COMPLETED', servers: [server({ recoveryInstanceId: 'i-1' })] });
    const ended = execution({ status: 'SUCCEEDED', waves: [launched] });
    const { unmount } = renderRunControls(ended, 'Operator');
    expect(button('Terminate drill instances').isDisabled()).toBe(false);
    unmount();
    renderRunControls({ ...ended, instancesTerminatedAt: '2026-01-01T12:00:00Z' }, 'Operator');
    expect(button('Terminate drill instances').isDisabled()).toBe(true);
    expect(screen.getAllByText('No drill instances are running.').length).toBeGreaterThan(0);
  });

  it('test_sends_pause_when_operator_presses_pause_on_a_running_run', () => {
    const sent: ExecutionCommand[] = [];
    renderRunControls(running, 'Operator', c => sent.push(c));
    expect(button('Resume').isDisabled()).toBe(true);
    button('Pause').click();
    expect(sent).toEqual([{ kind: 'pause' }]);
  });

  it('test_approves_the_waiting_wave_when_operator_presses_approve', () => {
    const sent: ExecutionCommand[] = [];
    render(
      <WaveControls
        execution={running}
        permissions={new Set(ROLE_PERMISSIONS.Operator)}
        onCommand={c => sent.push(c)}
        pending={false}
        waveName={id => id}
        awaitingApproval={new Set(['db'])}
      />,
    );
    expect(button('Retry failed servers').isDisabled()).toBe(true);
    button('Approve').click();
    expect(sent).toEqual([{ kind: 'approve', waveId: 'db' }]);
  });
});
