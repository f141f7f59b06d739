import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { ReadinessReason, ReadinessReport, Severity } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { VerdictBadge } from '../../common/status';
import { strings } from '../../strings';

const t = strings.plans;

const SEVERITY: Record<Severity, 'info' | 'warning' | 'error'> = { INFO: 'info', WARNING: 'warning', BLOCKER: 'error' };

interface Row extends ReadinessReason {
  wave: string;
  key: string;
}

/** Every reason of a readiness report, plan-wide first, each with the wave it concerns. */
export function readinessRows(report: ReadinessReport, waveName: (id: string) => string): Row[] {
  const planWide = report.reasons.map((r, i) => ({ ...r, wave: t.planWide, key: `plan-${i}` }));
  const perWave = report.waves.flatMap(w =>
    w.reasons.map((r, i) => ({ ...r, wave: waveName(w.waveId), key: `${w.waveId}-${i}` })),
  );
  return [...planWide, ...perWave];
}

export function ReadinessPanel({
  report,
  error,
  loading,
  action,
  waveName,
}: {
  report: ReadinessReport | undefined;
  error: unknown;
  loading: boolean;
  action: React.ReactNode;
  waveName: (id: string) => string;
}) {
  return (
    <Container header={<Header variant="h2" actions={action}>{t.readiness}</Header>}>
      <SpaceBetween size="s">
        {error ? <ApiErrorAlert error={error} /> : null}
        {loading ? <StatusIndicator type="loading">{strings.common.loading}</StatusIndicator> : null}
        {report ? (
          <>
            <Box>
              <Box variant="awsui-key-label">{t.verdict}</Box>
              <VerdictBadge verdict={report.verdict} />
            </Box>
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
                { id: 'server', header: strings.executions.serverColumns.server, cell: r => r.sourceServerId ?? strings.common.none },
                { id: 'message', header: t.reasons, cell: r => r.message },
              ]}
            />
          </>
        ) : null}
      </SpaceBetween>
    </Container>
  );
}
