import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { ExecutionMode, Permission } from '../../api/types';
import { gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { CollectionTable } from '../../common/collection-table';
import { ConfirmModal } from '../../common/confirm-modal';
import { formatDateTime } from '../../common/format';
import { GatedButton } from '../../common/gated-button';
import { RouterLink } from '../../common/router-link';
import { ExecutionStatusBadge } from '../../common/status';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';
import { runTime, type PlanDrill } from '../dashboard/summary';
import { StartModal } from './start-modal';

const t = strings.plans;

export interface RecoveryPlansRootProps {
  rows: PlanDrill[];
  loading: boolean;
  error: unknown;
  permissions: ReadonlySet<Permission>;
  onDelete: (plan: PlanDrill['plan']) => void;
  deleting: boolean;
}

interface Row extends PlanDrill {
  id: string;
  name: string;
}

export function RecoveryPlansRoot({ rows, loading, error, permissions, onDelete, deleting }: RecoveryPlansRootProps) {
  const navigate = useNavigate();
  const [selected, setSelected] = useState<Row[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState<ExecutionMode | null>(null);
  const items: Row[] = rows.map(row => ({ ...row, id: row.plan.id, name: row.plan.name }));
  const chosen = selected[0];
  const writeGate = gate(permissions, 'edit-configuration');
  const columns = [
    {
      id: 'name',
      header: t.columns.name,
      cell: (r: Row) => <RouterLink href={`/recovery-plans/${r.id}`}>{r.name}</RouterLink>,
      sortingField: 'name',
    },
    { id: 'waves', header: t.columns.waves, cell: (r: Row) => r.plan.waves.length },
    { id: 'rto', header: t.columns.rto, cell: (r: Row) => strings.common.minutes(r.plan.rtoTargetMinutes) },
    {
      id: 'lastDrill',
      header: t.columns.lastDrill,
      cell: (r: Row) =>
        r.lastDrill ? (
          <SpaceBetween direction="horizontal" size="xs">
            <ExecutionStatusBadge status={r.lastDrill.status} />
            <span>{formatDateTime(runTime(r.lastDrill))}</span>
          </SpaceBetween>
        ) : (
          strings.common.never
        ),
    },
    { id: 'updated', header: t.columns.updated, cell: (r: Row) => formatDateTime(r.plan.updatedAt) },
  ];
  const createButton = (
    <GatedButton gate={writeGate} variant="primary" onClick={() => navigate('/recovery-plans/new')}>
      {t.create}
    </GatedButton>
  );
  return (
    <SpaceBetween size="m">
      {error ? <ApiErrorAlert error={error} /> : null}
      <CollectionTable
        items={items}
        columns={columns}
        loading={loading}
        trackBy="id"
        filterWhat={t.title.toLowerCase()}
        ariaLabel={t.title}
        defaultSort={columns[0]}
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={setSelected}
        empty={<EmptyState title={t.empty} subtitle={t.emptyDescription} action={createButton} />}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={`(${items.length})`}
            description={t.description}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <GatedButton gate={writeGate} disabled={!chosen} loading={deleting} onClick={() => setConfirming(true)}>
                  {strings.common.delete}
                </GatedButton>
                <GatedButton gate={gate(permissions, 'run-drill')} disabled={!chosen} onClick={() => setStarting('DRILL')}>
                  {strings.executions.startDrill}
                </GatedButton>
                <GatedButton
                  gate={gate(permissions, 'run-recovery')}
                  disabled={!chosen}
                  onClick={() => setStarting('RECOVERY')}
                >
                  {strings.executions.startRecovery}
                </GatedButton>
                {createButton}
              </SpaceBetween>
            }
          >
            {t.title}
          </Header>
        }
      />
      <ConfirmModal
        visible={confirming && chosen !== undefined}
        text={strings.common.deleteConfirm(chosen?.name ?? '')}
        confirmLabel={strings.common.delete}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          if (chosen) onDelete(chosen.plan);
          setConfirming(false);
          setSelected([]);
        }}
      />
      {chosen && starting ? (
        <StartModal plan={chosen.plan} permissions={permissions} initialMode={starting} onDismiss={() => setStarting(null)} />
      ) : null}
    </SpaceBetween>
  );
}
