import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import ProgressBar from '@cloudscape-design/components/progress-bar';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { progressPercent, type ReadinessCheck } from '../../api/hooks/readiness-checks';
import type { PlanReadiness, ReadinessReason, Severity } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { formatDateTime } from '../../common/format';
import { VerdictBadge } from '../../common/status';
import { strings } from '../../strings';

const t = strings.plans;

const SEVERITY: Record<Severity, 'warning' | 'error'> = { WARNING: 'warning', BLOCKING: 'error' };

interface Row extends ReadinessReason {
  wave: string;
  server: string | null;
  key: string;
}

/** Every reason of a readiness report, wave by wave: the wave's own reasons, then each server's. */
export function readinessRows(report: PlanReadiness, waveName: (id: string) => string): Row[] {
  return report.waves.flatMap(w => [
    ...w.reasons.map((r, i) => ({ ...r, wave: waveName(w.waveId), server: null, key: `${w.waveId}-${i}` })),
    ...w.servers.flatMap(s =>
      s.reasons.map((r, i) => ({
        ...r,
        wave: waveName(w.waveId),
        server: s.sourceServerId,
        key: `${w.waveId}-${s.sourceServerId}-${i}`,
      })),
    ),
  ]);
}

/** A check still running: how many of the plan's servers have been checked. */
function CheckProgress({ check }: { check: ReadinessCheck }) {
  const { checkedServers, totalServers } = check.progress;
  return (
    <ProgressBar
      value={progressPercent(check.progress)}
      label={t.checking(strings.executions.modes[check.mode])}
      additionalInfo={t.checkedOf(checkedServers, totalServers)}
    />
  );
}

export function ReadinessPanel({
  check,
  error,
  loading,
  action,
  waveName,
}: {
  check: ReadinessCheck | undefined;
  error: unknown;
  loading: boolean;
  action: React.ReactNode;
  waveName: (id: string) => string;
}) {
  return (
    <Container
      header={
        <Header variant="h2" actions={action}>
          {t.readiness}
        </Header>
      }
    >
      <SpaceBetween size="s">
        {error ? <ApiErrorAlert error={error} /> : null}
        {loading && check === undefined ? (
          <StatusIndicator type="loading">{strings.common.loading}</StatusIndicator>
        ) : null}
        {check?.status === 'RUNNING' ? <CheckProgress check={check} /> : null}
        {check?.status === 'FAILED' ? (
          <Alert type="error" header={t.checkFailed}>
            {check.error}
          </Alert>
        ) : null}
        {check?.status === 'COMPLETED' ? <ReadinessReport report={check.report} waveName={waveName} /> : null}
      </SpaceBetween>
    </Container>
  );
}

function ReadinessReport({ report, waveName }: { report: PlanReadiness; waveName: (id: string) => string }) {
  return (
    <>
      <Box>
        <Box variant="awsui-key-label">{`${t.verdict} (${strings.executions.modes[report.mode]})`}</Box>
        <VerdictBadge verdict={report.verdict} /> <Box variant="small">{formatDateTime(report.checkedAt)}</Box>
      </Box>
      <Table
        variant="embedded"
        items={report.waves}
        trackBy="waveId"
        ariaLabels={{ tableLabel: t.waves }}
        columnDefinitions={[
          { id: 'wave', header: strings.executions.serverColumns.wave, cell: w => waveName(w.waveId) },
          { id: 'verdict', header: t.verdict, cell: w => <VerdictBadge verdict={w.verdict} /> },
          { id: 'servers', header: strings.executions.servers, cell: w => w.servers.length },
          {
            id: 'quota',
            header: t.quotaHeader,
            cell: w => t.quota(w.quotaFit.jobsNeeded, w.quotaFit.launchRounds),
          },
        ]}
      />
      <Table
        variant="embedded"
        items={readinessRows(report, waveName)}
        trackBy="key"
        ariaLabels={{ tableLabel: t.reasons }}
        empty={<Box>{t.noReasons}</Box>}
        columnDefinitions={[
          { id: 'wave', header: strings.executions.serverColumns.wave, cell: r => r.wave },
          {
            id: 'severity',
            header: t.verdict,
            cell: r => <StatusIndicator type={SEVERITY[r.severity]}>{r.severity}</StatusIndicator>,
          },
          {
            id: 'server',
            header: strings.executions.serverColumns.server,
            cell: r => r.server ?? strings.common.none,
          },
          { id: 'message', header: t.reasons, cell: r => r.message },
        ]}
      />
    </>
  );
}
