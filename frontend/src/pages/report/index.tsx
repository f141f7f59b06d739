import Spinner from '@cloudscape-design/components/spinner';
import { useParams } from 'react-router';
import { useExecutionReport, useReportCsvExport } from '../../api/hooks/executions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { openDownload } from './export';
import { reportPlannedSchedule } from './model';
import { ReportRoot } from './root';

export default function ReportPage() {
  const { id } = useParams();
  const report = useExecutionReport(id);
  const csv = useReportCsvExport(id ?? '');
  if (report.isPending) return <Spinner size="large" />;
  if (report.error) return <ApiErrorAlert error={report.error} />;
  return (
    <ReportRoot
      report={report.data}
      planned={reportPlannedSchedule(report.data)}
      now={new Date(report.dataUpdatedAt)}
      csvExport={{
        run: () => csv.mutate(undefined, { onSuccess: link => openDownload(link.url, link.fileName) }),
        running: csv.isPending,
        error: csv.error,
      }}
    />
  );
}
