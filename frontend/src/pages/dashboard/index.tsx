import { useWholeInventory } from '../../api/hooks/drs';
import { useExecutions } from '../../api/hooks/executions';
import { useProtectionGroups } from '../../api/hooks/protection-groups';
import { useRecoveryPlans } from '../../api/hooks/recovery-plans';
import { DashboardRoot } from './root';

export default function DashboardPage() {
  const groups = useProtectionGroups();
  const plans = useRecoveryPlans();
  const executions = useExecutions();
  const servers = useWholeInventory();
  return (
    <DashboardRoot
      groups={groups}
      plans={plans}
      executions={executions}
      servers={servers}
      now={new Date()}
    />
  );
}
