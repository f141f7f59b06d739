import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { ExecutionMode, Permission, RecoveryPlan } from '../../api/types';
import { gate } from '../../auth/permissions';
import { formatDateTime } from '../../common/format';
import { GatedButton } from '../../common/gated-button';
import { ResourceList } from '../../common/resource-list';
import { RouterLink } from '../../common/router-link';
import { ExecutionStatusBadge } from '../../common/status';
import { strings } from '../../strings';
import { runTime, type PlanDrill } from '../dashboard/summary';
import { StartModal } from './start-modal';

const t = strings.plans;

export interface RecoveryPlansRootProps {
  rows: PlanDrill[];
  loading: boolean;
  error: unknown;
  permissions: ReadonlySet<Permission>;
  onDelete: (plan: RecoveryPlan) => void;
  deleting: boolean;
}

interface Row extends PlanDrill {
  id: string;
  name: string;
}

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

export function RecoveryPlansRoot({ rows, loading, error, permissions, onDelete, deleting }: RecoveryPlansRootProps) {
  const [starting, setStarting] = useState<{ plan: RecoveryPlan; mode: ExecutionMode } | null>(null);
  const items: Row[] = rows.map(row => ({ ...row, id: row.plan.id, name: row.plan.name }));
  return (
    <>
      <ResourceList
        items={items}
        columns={columns}
        loading={loading}
        error={error}
        text={t}
        createHref="/recovery-plans/new"
        writeGate={gate(permissions, 'edit-configuration')}
        onDelete={row => onDelete(row.plan)}
        deleting={deleting}
        actions={chosen => (
          <>
            <GatedButton
              gate={gate(permissions, 'run-drill')}
              disabled={!chosen}
              onClick={() => chosen && setStarting({ plan: chosen.plan, mode: 'DRILL' })}
            >
              {strings.executions.startDrill}
            </GatedButton>
            <GatedButton
              gate={gate(permissions, 'run-recovery')}
              disabled={!chosen}
              onClick={() => chosen && setStarting({ plan: chosen.plan, mode: 'RECOVERY' })}
            >
              {strings.executions.startRecovery}
            </GatedButton>
          </>
        )}
      />
      {starting ? (
        <StartModal
          plan={starting.plan}
          permissions={permissions}
          initialMode={starting.mode}
          onDismiss={() => setStarting(null)}
        />
      ) : null}
    </>
  );
}
