import { useServerClock } from '../../api/context';
import { useExecutions, useExecutionsById } from '../../api/hooks/executions';
import { useProtectionGroups, useServersOfGroups } from '../../api/hooks/protection-groups';
import { useReadiness } from '../../api/hooks/readiness';
import { useRecoveryPlans } from '../../api/hooks/recovery-plans';
import type { Execution } from '../../api/types';
import { useAccess } from '../../auth/auth-context';
import { gate } from '../../auth/permissions';
import { ReadinessPanel } from './readiness-panel';
import { DashboardRoot } from './root';
import { drillsNotCleanedUp, groupReadiness } from './summary';

export default function DashboardPage() {
  const clock = useServerClock();
  const { permissions } = useAccess();
  const programme = useReadiness();
  const groups = useProtectionGroups();
  const plans = useRecoveryPlans();
  const executions = useExecutions();
  const groupIds = (groups.data ?? []).map(g => g.id);
  const servers = useServersOfGroups(groupIds);
  const drills = useExecutionsById(drillsNotCleanedUp(executions.data ?? []).map(run => run.id));
  const readiness = groupIds.flatMap((id, i) => {
    const data = servers[i]?.data;
    return data ? [groupReadiness(id, data)] : [];
  });
  return (
    <DashboardRoot
      groups={groups.data ?? []}
      readiness={readiness}
      readinessLoading={servers.some(q => q.isPending)}
      plans={plans.data ?? []}
      executions={executions.data ?? []}
      drills={drills.flatMap(q => (q.data ? [q.data as Execution] : []))}
      loading={{ groups: groups.isPending, plans: plans.isPending, executions: executions.isPending }}
      error={groups.error ?? plans.error ?? executions.error ?? servers.find(q => q.error)?.error}
      now={clock.now()}
      programme={
        <ReadinessPanel
          readiness={programme.readiness}
          loading={programme.loading}
          error={programme.error}
          scanning={programme.scanning}
          scanGate={gate(permissions, 'run-drill')}
          onScan={programme.scan}
          now={clock.now()}
        />
      }
    />
  );
}
