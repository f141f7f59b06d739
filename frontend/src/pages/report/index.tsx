import Spinner from '@cloudscape-design/components/spinner';
import { useParams } from 'react-router';
import { useExecutionReport } from '../../api/hooks/executions';
import { useRecoveryPlan } from '../../api/hooks/recovery-plans';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { plannedSchedule } from './model';
import { ReportRoot } from './root';

export default function ReportPage() {
  const { id } = useParams();
  const report = useExecutionReport(id);
  const plan = useRecoveryPlan(report.data?.execution.planId);
  if (report.isPending) return <Spinner size="large" />;
  if (report.error) return <ApiErrorAlert error={report.error} />;
  return (
    <ReportRoot
      report={report.data}
      planned={plannedSchedule(plan.data?.waves ?? [])}
      planChanged={plan.data !== undefined && plan.data.version !== report.data.execution.planVersion}
      now={new Date(report.dataUpdatedAt)}
    />
  );
}
