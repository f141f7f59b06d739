import { useExecutions } from '../../api/hooks/executions';
import { useDeleteRecoveryPlan, useRecoveryPlans } from '../../api/hooks/recovery-plans';
import { useAccess } from '../../auth/auth-context';
import { plansWithLastDrill } from '../dashboard/summary';
import { RecoveryPlansRoot } from './root';

export default function RecoveryPlansPage() {
  const plans = useRecoveryPlans();
  const executions = useExecutions();
  const remove = useDeleteRecoveryPlan();
  const { permissions } = useAccess();
  return (
    <RecoveryPlansRoot
      rows={plansWithLastDrill(plans.data ?? [], executions.data ?? [])}
      loading={plans.isPending}
      error={plans.error ?? remove.error}
      permissions={permissions}
      onDelete={plan => remove.mutate({ id: plan.id, version: plan.version })}
      deleting={remove.isPending}
    />
  );
}
