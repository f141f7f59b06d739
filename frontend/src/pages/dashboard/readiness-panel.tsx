import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import LineChart from '@cloudscape-design/components/line-chart';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { Finding, FindingSeverity, Readiness } from '../../api/hooks/readiness';
import type { Gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { formatAgo, formatDateTime } from '../../common/format';
import { GatedButton } from '../../common/gated-button';
import { RouterLink } from '../../common/router-link';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';

const t = strings.programme;

const SEVERITY_STATUS: Record<FindingSeverity, StatusIndicatorProps.Type> = {
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'info',
};

/** Where a finding is fixed: the group editor, the plan, or the recovery accounts; none for the rest. */
export function fixLink(finding: Finding): { href: string; label: string } | undefined {
  switch (finding.code) {
    case 'UNPROTECTED_SERVER':
      return { href: '/protection-groups/new', label: t.fixes.group };
    case 'SELECTION_DRIFT':
    case 'STALE_DRILL':
    case 'LAST_DRILL_FAILED':
      return { href: `/recovery-plans/${encodeURIComponent(finding.resourceId)}`, label: t.fixes.plan };
    case 'ACCOUNT_UNREACHABLE':
      return { href: '/settings', label: t.fixes.accounts };
    default:
      return undefined;
  }
}

/** The score's colour: 90 and up is healthy, 70 and up needs a look, below that needs action. */
export function scoreStatus(score: number): StatusIndicatorProps.Type {
  if (score >= 90) return 'success';
  if (score >= 70) return 'warning';
  return 'error';
}

export interface ReadinessPanelProps {
  readiness: Readiness | undefined;
  loading: boolean;
  error: unknown;
  scanning: boolean;
  scanGate: Gate;
  onScan: () => void;
  now: Date;
}

function Score({ readiness, loading, now }: Pick<ReadinessPanelProps, 'readiness' | 'loading' | 'now'>) {
  if (loading) return <StatusIndicator type="loading">{strings.common.loading}</StatusIndicator>;
  if (!readiness || readiness.score === null || readiness.checkedAt === null) {
    return <Box color="text-status-inactive">{t.neverScanned}</Box>;
  }
  return (
    <SpaceBetween size="xxs">
      <Box variant="awsui-value-large">
        <StatusIndicator type={scoreStatus(readiness.score)}>{readiness.score}</StatusIndicator>
      </Box>
      <Box variant="small" color="text-body-secondary">
        <span title={formatDateTime(readiness.checkedAt)}>{t.checked(formatAgo(readiness.checkedAt, now))}</span>
      </Box>
    </SpaceBetween>
  );
}

function Trend({ readiness }: { readiness: Readiness | undefined }) {
  const history = readiness?.history ?? [];
  if (history.length === 0) return <Box color="text-status-inactive">{t.trendEmpty}</Box>;
  const data = history.map(day => ({ x: new Date(`${day.date}T00:00:00Z`), y: day.score }));
  return (
    <LineChart
      series={[{ title: t.score, type: 'line', data }]}
      xScaleType="time"
      yDomain={[0, 100]}
      height={120}
      hideFilter
      hideLegend
      ariaLabel={t.trend}
      xTitle={t.trend}
      yTitle={t.score}
      i18nStrings={{ xTickFormatter: x => x.toISOString().slice(5, 10) }}
    />
  );
}

/** The account-wide readiness on the dashboard: the score, its trend, and each finding with where to fix it. */
export function ReadinessPanel(props: ReadinessPanelProps) {
  const { readiness, loading, error, scanning, scanGate, onScan, now } = props;
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={scanning && !loading ? t.scanRequested : t.description}
          actions={
            <GatedButton gate={scanGate} onClick={onScan} loading={scanning && !loading}>
              {t.scan}
            </GatedButton>
          }
        >
          {t.title}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error ? <ApiErrorAlert error={error} /> : null}
        <ColumnLayout columns={2} variant="text-grid">
          <div>
            <Box variant="awsui-key-label">{t.score}</Box>
            <Score readiness={readiness} loading={loading} now={now} />
          </div>
          <div>
            <Box variant="awsui-key-label">{t.trend}</Box>
            <Trend readiness={readiness} />
          </div>
        </ColumnLayout>
        <Table
          variant="embedded"
          wrapLines
          header={<Header variant="h3">{t.findings}</Header>}
          items={readiness?.findings ?? []}
          loading={loading}
          loadingText={strings.common.loading}
          trackBy={finding => `${finding.code}:${finding.resourceId}:${finding.message}`}
          ariaLabels={{ tableLabel: t.findings }}
          empty={<EmptyState title={t.noFindings} />}
          columnDefinitions={[
            {
              id: 'severity',
              header: t.severity,
              minWidth: 110,
              cell: finding => (
                <StatusIndicator type={SEVERITY_STATUS[finding.severity]}>
                  {t.severities[finding.severity]}
                </StatusIndicator>
              ),
            },
            { id: 'code', header: t.finding, cell: finding => t.codes[finding.code] },
            { id: 'resource', header: t.resource, cell: finding => finding.resourceId },
            { id: 'message', header: t.message, cell: finding => finding.message },
            {
              id: 'fix',
              header: t.fix,
              cell: finding => {
                const link = fixLink(finding);
                return link ? <RouterLink href={link.href}>{link.label}</RouterLink> : null;
              },
            },
          ]}
        />
      </SpaceBetween>
    </Container>
  );
}
