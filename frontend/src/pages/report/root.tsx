import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { ExecutionReport } from '../../api/types';
import { formatDateTime, formatMinutes } from '../../common/format';
import { ExecutionStatusBadge, WaveStatusBadge } from '../../common/status';
import { Gantt } from '../../gantt/gantt';
import { reportGantt } from '../../gantt/gantt-model';
import { strings } from '../../strings';
import { download, reportFileName, reportToCsv, waveTimings } from './export';

const t = strings.report;

function minutesOrDash(value: number | null): string {
  return value === null ? strings.common.none : formatMinutes(value);
}

function RtoVerdict({ report }: { report: ExecutionReport }) {
  if (report.measuredRtoMinutes === null) return <StatusIndicator type="stopped">{t.rtoUnknown}</StatusIndicator>;
  return report.measuredRtoMinutes <= report.rtoTargetMinutes ? (
    <StatusIndicator type="success">{t.rtoMet}</StatusIndicator>
  ) : (
    <StatusIndicator type="error">{t.rtoMissed}</StatusIndicator>
  );
}

/** The report of one run: planned against actual per wave and server, RTO against its target; exportable and printable. */
export function ReportRoot({ report, now }: { report: ExecutionReport; now: Date }) {
  return (
    <div className="print-page">
      <ContentLayout
        header={
          <Header
            variant="h1"
            description={`${strings.executions.modes[report.mode]} · ${report.executionId}`}
            actions={
              <div className="no-print">
                <SpaceBetween direction="horizontal" size="xs">
                  <Button
                    iconName="download"
                    onClick={() => download(reportToCsv(report), reportFileName(report, 'csv'), 'text/csv')}
                  >
                    {t.exportCsv}
                  </Button>
                  <Button
                    iconName="download"
                    onClick={() =>
                      download(JSON.stringify(report, null, 2), reportFileName(report, 'json'), 'application/json')
                    }
                  >
                    {t.exportJson}
                  </Button>
                  <Button iconName="file" onClick={() => window.print()}>
                    {t.print}
                  </Button>
                </SpaceBetween>
              </div>
            }
          >
            {t.title(report.planName)}
          </Header>
        }
      >
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">{t.rto}</Header>}>
            <ColumnLayout columns={4} variant="text-grid">
              <div>
                <Box variant="awsui-key-label">{strings.executions.status}</Box>
                <ExecutionStatusBadge status={report.status} />
              </div>
              <div>
                <Box variant="awsui-key-label">{t.rtoTarget}</Box>
                <Box variant="awsui-value-large">{formatMinutes(report.rtoTargetMinutes)}</Box>
              </div>
              <div>
                <Box variant="awsui-key-label">{t.rtoMeasured}</Box>
                <Box variant="awsui-value-large">{minutesOrDash(report.measuredRtoMinutes)}</Box>
              </div>
              <div>
                <Box variant="awsui-key-label">{t.rto}</Box>
                <RtoVerdict report={report} />
                <Box variant="small">
                  {formatDateTime(report.startedAt)} – {formatDateTime(report.endedAt)}
                </Box>
              </div>
            </ColumnLayout>
          </Container>
          <Table
            header={<Header variant="h2">{strings.executions.waves}</Header>}
            items={report.waves}
            trackBy="waveId"
            ariaLabels={{ tableLabel: strings.executions.waves }}
            columnDefinitions={[
              { id: 'wave', header: t.columns.wave, cell: w => w.name },
              { id: 'status', header: t.columns.status, cell: w => <WaveStatusBadge status={w.status} /> },
              { id: 'pstart', header: t.columns.plannedStart, cell: w => formatMinutes(w.plannedStartMinute) },
              { id: 'pdur', header: t.columns.plannedDuration, cell: w => formatMinutes(w.plannedDurationMinutes) },
              { id: 'astart', header: t.columns.actualStart, cell: w => minutesOrDash(waveTimings(report, w).actualStart) },
              {
                id: 'adur',
                header: t.columns.actualDuration,
                cell: w => minutesOrDash(waveTimings(report, w).actualDuration),
              },
              {
                id: 'dev',
                header: t.columns.deviation,
                cell: w => {
                  const { deviation } = waveTimings(report, w);
                  return deviation === null ? strings.common.none : `${deviation > 0 ? '+' : ''}${formatMinutes(deviation)}`;
                },
              },
              { id: 'servers', header: t.columns.servers, cell: w => w.servers.length },
            ]}
          />
          <Container header={<Header variant="h2">{strings.executions.timeline}</Header>}>
            <Gantt model={reportGantt(report, now)} ariaLabel={strings.executions.timeline} />
          </Container>
        </SpaceBetween>
      </ContentLayout>
    </div>
  );
}
