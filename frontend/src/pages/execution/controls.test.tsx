// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ExecutionCommand } from '../../api/hooks/executions';
import { ROLE_PERMISSIONS } from '../../auth/permissions';
import { execution, server, wave } from '../../test/fixtures';
import { RunControls, WaveControls } from './controls';

const running = execution({ status: 'WAITING_APPROVAL', waves: [wave({ status: 'PRE_ACTIONS' })] });

const button = (label: string) =>
  createWrapper(document.body)
    .findAllButtons()
    .find(b => b.findTextRegion()?.getElement().textContent === label)!;

describe('execution controls', () => {
  it('test_disables_controls_with_the_reason_when_user_is_a_viewer', () => {
    render(
      <RunControls
        execution={running}
        permissions={new Set(ROLE_PERMISSIONS.Viewer)}
        onCommand={() => undefined}
        pending={false}
      />,
    );
    expect(button('Pause').isDisabled()).toBe(true);
    expect(screen.getAllByText('Your role does not allow you to steer executions.').length).toBeGreaterThan(0);
  });

  it('test_disables_terminate_with_the_reason_when_the_drill_instances_are_already_terminated', () => {
    const launched = wave({ status: 'COMPLETED', servers: [server({ recoveryInstanceId: 'i-1' })] });
    const ended = execution({ status: 'SUCCEEDED', waves: [launched] });
    const { unmount } = render(
      <RunControls
        execution={ended}
        permissions={new Set(ROLE_PERMISSIONS.Operator)}
        onCommand={() => undefined}
        pending={false}
      />,
    );
    expect(button('Terminate drill instances').isDisabled()).toBe(false);
    unmount();
    render(
      <RunControls
        execution={{ ...ended, instancesTerminatedAt: '2026-01-01T12:00:00Z' }}
        permissions={new Set(ROLE_PERMISSIONS.Operator)}
        onCommand={() => undefined}
        pending={false}
      />,
    );
    expect(button('Terminate drill instances').isDisabled()).toBe(true);
    expect(screen.getAllByText('No drill instances are running.').length).toBeGreaterThan(0);
  });

  it('test_sends_pause_when_operator_presses_pause_on_a_running_run', () => {
    const sent: ExecutionCommand[] = [];
    render(
      <RunControls
        execution={running}
        permissions={new Set(ROLE_PERMISSIONS.Operator)}
        onCommand={c => sent.push(c)}
        pending={false}
      />,
    );
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
