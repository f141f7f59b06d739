import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import type { ExecutionCommand } from '../../api/hooks/executions';
import type { Execution, Permission } from '../../api/types';
import { executionGates, waveGates } from '../../auth/permissions';
import { ConfirmModal } from '../../common/confirm-modal';
import { formatTime } from '../../common/format';
import { GatedButton } from '../../common/gated-button';
import { WaveStatusBadge } from '../../common/status';
import { waveTotal } from '../../graph/server-groups';
import { strings } from '../../strings';

const t = strings.executions;

interface ControlProps {
  execution: Execution;
  permissions: ReadonlySet<Permission>;
  onCommand: (command: ExecutionCommand) => void;
  pending: boolean;
}

/** Pause / resume / cancel / terminate drill instances, each disabled with its reason when not allowed. */
export function RunControls({ execution, permissions, onCommand, pending }: ControlProps) {
  const gates = executionGates(execution, permissions);
  const [confirm, setConfirm] = useState<'cancel' | 'terminate-instances' | null>(null);
  return (
    <>
      <SpaceBetween direction="horizontal" size="xs">
        <GatedButton gate={gates.pause} disabled={pending} onClick={() => onCommand({ kind: 'pause' })}>
          {t.pause}
        </GatedButton>
        <GatedButton gate={gates.resume} disabled={pending} onClick={() => onCommand({ kind: 'resume' })}>
          {t.resume}
        </GatedButton>
        <GatedButton gate={gates.cancel} disabled={pending} onClick={() => setConfirm('cancel')}>
          {t.cancel}
        </GatedButton>
        <GatedButton
          gate={gates.terminateInstances}
          disabled={pending}
          onClick={() => setConfirm('terminate-instances')}
        >
          {t.terminate}
        </GatedButton>
      </SpaceBetween>
      <ConfirmModal
        visible={confirm !== null}
        text={confirm === 'cancel' ? t.cancelConfirm : t.terminateConfirm}
        confirmLabel={confirm === 'cancel' ? t.cancel : t.terminate}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          if (confirm) onCommand({ kind: confirm });
          setConfirm(null);
        }}
      />
    </>
  );
}

/** Every wave with its state and its approve / retry / skip controls. */
export function WaveControls({
  execution,
  permissions,
  onCommand,
  pending,
  waveName,
  awaitingApproval,
}: ControlProps & { waveName: (id: string) => string; awaitingApproval: ReadonlySet<string> }) {
  return (
    <Table
      header={<Header variant="h2">{t.waves}</Header>}
      items={execution.waves}
      trackBy="id"
      ariaLabels={{ tableLabel: t.waves }}
      columnDefinitions={[
        { id: 'name', header: strings.executions.serverColumns.wave, cell: w => w.name || waveName(w.id) },
        {
          id: 'status',
          header: t.status,
          cell: w => (
            <SpaceBetween direction="horizontal" size="xs">
              <WaveStatusBadge status={w.status} />
              {awaitingApproval.has(w.id) ? <span>{t.awaitingApproval}</span> : null}
              {w.reason ? <span>{w.reason}</span> : null}
            </SpaceBetween>
          ),
        },
        { id: 'started', header: t.startedAt, cell: w => formatTime(w.startedAt) },
        { id: 'ended', header: t.endedAt, cell: w => formatTime(w.endedAt) },
        { id: 'servers', header: t.servers, cell: w => waveTotal(w) },
        {
          id: 'actions',
          header: '',
          cell: w => {
            const gates = waveGates(execution, w, permissions, awaitingApproval);
            return (
              <SpaceBetween direction="horizontal" size="xs">
                <GatedButton
                  gate={gates.approve}
                  disabled={pending}
                  variant={gates.approve.allowed ? 'primary' : 'normal'}
                  onClick={() => onCommand({ kind: 'approve', waveId: w.id })}
                  ariaLabel={`${t.approve} ${waveName(w.id)}`}
                >
                  {t.approve}
                </GatedButton>
                <GatedButton
                  gate={gates.retry}
                  disabled={pending}
                  onClick={() => onCommand({ kind: 'retry', waveId: w.id })}
                  ariaLabel={`${t.retry} ${waveName(w.id)}`}
                >
                  {t.retry}
                </GatedButton>
                <GatedButton
                  gate={gates.skip}
                  disabled={pending}
                  onClick={() => onCommand({ kind: 'skip', waveId: w.id })}
                  ariaLabel={`${t.skip} ${waveName(w.id)}`}
                >
                  {t.skip}
                </GatedButton>
              </SpaceBetween>
            );
          },
        },
      ]}
    />
  );
}
