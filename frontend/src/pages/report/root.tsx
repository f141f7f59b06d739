import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { Execution, ExecutionReport, HealthStatus, LaunchStatus, ReportServer } from '../../api/types';
import { errorMessage } from '../../common/api-error-alert';
import { CollectionTable } from '../../common/collection-table';
import { formatDateTime, formatMinutes, formatSnapshot } from '../../common/format';
import { ExecutionStatusBadge, HealthBadge, LaunchStatusBadge, WaveStatusBadge } from '../../common/status';
import { Gantt } from '../../gantt/gantt';
import { EmptyState } from '../../common/table-states';
import { executionGantt, type Span } from '../../gantt/gantt-model';
import { strings } from '../../strings';
import { download, reportFileName } from './export';
import { rtoSummary, waveTimings } from './model';

const t = strings.report;

function minutesOrDash(value: number | null | undefined): string {
  return value === null || value === undefined ? strings.common.none : formatMinutes(value);
}

function spanText(span: Span | null): string {
  return span ? `${formatMinutes(span.start)} – ${formatMinutes(span.end)}` : strings.common.none;
}

function RtoVerdict({ met }: { met: boolean | null }) {
  if (met === null) return <StatusIndicator type="stopped">{t.rtoUnknown}</StatusIndicator>;
  return met ? (
    <StatusIndicator type="success">{t.rtoMet}</StatusIndicator>
  ) : (
    <StatusIndicator type="error">{t.rtoMissed}</StatusIndicator>
  );
}

/** Above this many servers the timeline draws the waves only (a row per server would be thousands of rows). */
export const TIMELINE_SERVER_ROWS = 200;

/** The run as the timeline draws it: with a row per server while that stays readable, else its waves only. */
export function timelineExecution(execution: Execution): Execution {
  const count = execution.waves.reduce((total, w) => total + w.servers.length, 0);
  return count <= TIMELINE_SERVER_ROWS
    ? execution
    : { ...execution, waves: execution.waves.map(w => ({ ...w, servers: [] })) };
}

/** Exporting the CSV: the API writes it to storage and answers a link, which is then downloaded. */
export interface CsvExport {
  run: () => void;
  running: boolean;
  error: unknown;
}

interface ServerRow extends ReportServer {
  key: string;
}

/** The report of one run: planned against actual per wave and server, RTO against its target; exportable and printable. */
export function ReportRoot({
  report,
  planned,
  now,
  csvExport,
}: {
  report: ExecutionReport;
  planned: ReadonlyMap<string, Span>;
  now: Date;
  csvExport: CsvExport;
}) {
  const execution = report.execution;
  const rto = rtoSummary(report);
  const timeline = timelineExecution(execution);
  const serverRows: ServerRow[] = report.servers.map(s => ({ ...s, key: `${s.waveId}/${s.sourceServerId}` }));
  return (
    <div className="print-page">
      <ContentLayout
        header={
          <Header
            variant="h1"
            description={`${strings.executions.modes[execution.mode]} · ${execution.id}`}
            actions={
              <div className="no-print">
                <SpaceBetween direction="horizontal" size="xs">
                  <Button iconName="download" loading={csvExport.running} onClick={csvExport.run}>
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
            {t.title(execution.planName)}
          </Header>
        }
      >
        <SpaceBetween size="l">
          {csvExport.error ? (
            <Alert type="error" header={t.exportCsvFailed}>
              {errorMessage(csvExport.error)}
            </Alert>
          ) : null}
          <Container header={<Header variant="h2">{t.rto}</Header>}>
            <ColumnLayout columns={4} variant="text-grid">
              <div>
                <Box variant="awsui-key-label">{strings.executions.status}</Box>
                <ExecutionStatusBadge status={execution.status} />
                {execution.statusReason ? <Box variant="small">{execution.statusReason}</Box> : null}
                <Box variant="small">
                  {execution.pointInTime
                    ? `${strings.executions.pointInTime}: ${formatDateTime(execution.pointInTime)}`
                    : strings.executions.latestData}
                </Box>
              </div>
              <div>
                <Box variant="awsui-key-label">{t.rtoTarget}</Box>
                <Box variant="awsui-value-large">{formatMinutes(rto.targetMinutes)}</Box>
              </div>
              <div>
                <Box variant="awsui-key-label">{t.rtoMeasured}</Box>
                <Box variant="awsui-value-large">{minutesOrDash(rto.measuredMinutes)}</Box>
              </div>
              <div>
                <Box variant="awsui-key-label">{t.rto}</Box>
                <RtoVerdict met={rto.met} />
                <Box variant="small">
                  {formatDateTime(execution.startedAt)} – {formatDateTime(execution.endedAt)}
                </Box>
              </div>
            </ColumnLayout>
          </Container>
          <Table
            header={<Header variant="h2">{strings.executions.waves}</Header>}
            items={execution.waves}
            trackBy="id"
            ariaLabels={{ tableLabel: strings.executions.waves }}
            columnDefinitions={[
              { id: 'wave', header: t.columns.wave, cell: w => w.name },
              { id: 'status', header: t.columns.status, cell: w => <WaveStatusBadge status={w.status} /> },
              { id: 'planned', header: t.planned, cell: w => spanText(waveTimings(execution, w, planned).planned) },
              { id: 'actual', header: t.actual, cell: w => spanText(waveTimings(execution, w, planned).actual) },
              {
                id: 'dev',
                header: t.columns.deviation,
                cell: w => {
                  const { deviation } = waveTimings(execution, w, planned);
                  return deviation === null
                    ? strings.common.none
                    : `${deviation > 0 ? '+' : ''}${formatMinutes(deviation)}`;
                },
              },
              { id: 'servers', header: t.columns.servers, cell: w => w.servers.length },
            ]}
          />
          <Container header={<Header variant="h2">{strings.executions.timeline}</Header>}>
            {timeline === execution ? null : <Box variant="small">{t.timelineWavesOnly(report.servers.length)}</Box>}
            <Gantt model={executionGantt(timeline, now, planned)} ariaLabel={strings.executions.timeline} />
          </Container>
          <CollectionTable<ServerRow>
            header={
              <Header variant="h2" counter={`(${serverRows.length})`}>
                {strings.executions.servers}
              </Header>
            }
            items={serverRows}
            trackBy="key"
            pageSize={100}
            filterWhat={strings.executions.servers.toLowerCase()}
            ariaLabel={strings.executions.servers}
            empty={<EmptyState title={t.serverCount(0)} />}
            columns={[
              { id: 'wave', header: strings.executions.serverColumns.wave, cell: s => s.waveName },
              {
                id: 'server',
                header: strings.executions.serverColumns.server,
                cell: s => s.sourceServerId,
                sortingField: 'sourceServerId',
              },
              { id: 'impact', header: strings.executions.serverColumns.impact, cell: s => s.impact },
              {
                id: 'launch',
                header: strings.executions.serverColumns.launch,
                cell: s => <LaunchStatusBadge status={s.launchStatus as LaunchStatus | null} />,
              },
              {
                id: 'toLaunch',
                header: t.toLaunch,
                cell: s => minutesOrDash(s.secondsToLaunch === null ? null : s.secondsToLaunch / 60),
              },
              {
                id: 'health',
                header: strings.executions.serverColumns.health,
                cell: s => <HealthBadge health={s.health as HealthStatus | null} />,
              },
              {
                id: 'instance',
                header: strings.executions.serverColumns.instance,
                cell: s => s.recoveryInstanceId ?? strings.common.none,
              },
              {
                id: 'error',
                header: strings.executions.serverColumns.error,
                cell: s => s.error ?? strings.common.none,
              },
              ...(execution.pointInTime
                ? [
                    {
                      id: 'snapshot',
                      header: strings.executions.serverColumns.snapshot,
                      cell: (s: ReportServer) => formatSnapshot(s),
                    },
                  ]
                : []),
            ]}
          />
        </SpaceBetween>
      </ContentLayout>
    </div>
  );
}
