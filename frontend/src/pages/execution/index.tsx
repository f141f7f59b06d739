import { useMemo } from 'react';
import { useServerClock } from '../../api/context';
import Spinner from '@cloudscape-design/components/spinner';
import { useParams } from 'react-router';
import { isActive, useEvidencePack, useExecutionCommand, useExecutionSummary } from '../../api/hooks/executions';
import { useProtectionGroups } from '../../api/hooks/protection-groups';
import { useRecoveryPlan } from '../../api/hooks/recovery-plans';
import type { ProtectionGroup, RecoveryPlan } from '../../api/types';
import { useAccess } from '../../auth/auth-context';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { notBefore } from '../../common/format';
import { openDownload } from '../report/export';
import { useLiveEvents } from './live-events';
import { ExecutionRoot } from './root';
import { choices } from './server-rows';

/** The accounts and Regions of the plan's protection groups: where the run's servers are. */
function planTargets(plan: RecoveryPlan | undefined, groups: readonly ProtectionGroup[] | undefined) {
  const ids = new Set(plan?.waves.flatMap(w => w.protectionGroupIds) ?? []);
  const used = (groups ?? []).filter(g => ids.has(g.id));
  return { accountIds: choices(used.map(g => g.accountId)), regions: choices(used.map(g => g.region)) };
}

export default function ExecutionPage() {
  const clock = useServerClock();
  const { id } = useParams();
  const execution = useExecutionSummary(id);
  const plan = useRecoveryPlan(execution.data?.planId);
  const groups = useProtectionGroups();
  const targets = useMemo(() => planTargets(plan.data, groups.data), [plan.data, groups.data]);
  const events = useLiveEvents(id, execution.data?.status);
  const command = useExecutionCommand(id ?? '');
  const evidence = useEvidencePack(id ?? '');
  const { permissions } = useAccess();
  if (execution.isPending) return <Spinner size="large" />;
  if (execution.error) return <ApiErrorAlert error={execution.error} />;
  return (
    <ExecutionRoot
      execution={execution.data}
      targets={targets}
      plan={plan.data}
      events={events.data ?? []}
      eventsLoading={events.isPending}
      permissions={permissions}
      live={isActive(execution.data.status)}
      now={notBefore(execution.dataUpdatedAt ? clock.at(execution.dataUpdatedAt) : clock.now(), [
        execution.data.startedAt,
        ...execution.data.waves.flatMap(w => [w.startedAt, w.endedAt]),
      ])}
      onCommand={c => command.mutate(c)}
      commandPending={command.isPending}
      commandError={command.error}
      evidence={{
        run: () => evidence.mutate(undefined, { onSuccess: link => openDownload(link.url, link.fileName) }),
        running: evidence.isPending,
        link: evidence.data,
        error: evidence.error,
      }}
    />
  );
}
