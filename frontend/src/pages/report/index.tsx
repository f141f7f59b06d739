import Spinner from '@cloudscape-design/components/spinner';
import { useParams } from 'react-router';
import { useExecutionReport } from '../../api/hooks/executions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { reportPlannedSchedule } from './model';
import { ReportRoot } from './root';

export default function ReportPage() {
  const { id } = useParams();
  const report = useExecutionReport(id);
  if (report.isPending) return <Spinner size="large" />;
  if (report.error) return <ApiErrorAlert error={report.error} />;
  return (
    <ReportRoot
      report={report.data}
      planned={reportPlannedSchedule(report.data)}
      now={new Date(report.dataUpdatedAt)}
    />
  );
}
