import { useExecutions } from '../../api/hooks/executions';
import { useRecoveryPlans } from '../../api/hooks/recovery-plans';
import { HistoryRoot } from './root';

export default function HistoryPage() {
  const executions = useExecutions();
  const plans = useRecoveryPlans();
  const planName = (id: string) => plans.data?.find(p => p.id === id)?.name ?? id;
  return (
    <HistoryRoot
      executions={executions.data ?? []}
      loading={executions.isPending}
      error={executions.error}
      planName={planName}
      now={new Date()}
    />
  );
}
