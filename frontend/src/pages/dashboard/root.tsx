import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { Execution, ExecutionHeader, ProtectionGroup, RecoveryPlan } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { formatAge, formatAgo, formatDateTime } from '../../common/format';
import { RouterLink } from '../../common/router-link';
import { ExecutionStatusBadge } from '../../common/status';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';
import {
  activeExecutions,
  plansWithLastDrill,
  runningDrillInstances,
  runTime,
  type GroupReadiness,
  type ReplicationCounts,
} from './summary';

const t = strings.dashboard;

export interface DashboardRootProps {
  groups: ProtectionGroup[];
  readiness: GroupReadiness[];
  readinessLoading: boolean;
  plans: RecoveryPlan[];
  executions: ExecutionHeader[];
  drills: Execution[];
  loading: { groups: boolean; plans: boolean; executions: boolean };
  error: unknown;
  now: Date;
  /** The account-wide readiness panel, shown first. */
  programme?: React.ReactNode;
}

function Counter({ label, value, loading }: { label: string; value: React.ReactNode; loading: boolean }) {
  return (
    <div>
      <Box variant="awsui-key-label">{label}</Box>
      {loading ? (
        <StatusIndicator type="loading">{strings.common.loading}</StatusIndicator>
      ) : (
        <Box variant="awsui-value-large">{value}</Box>
      )}
    </div>
  );
}

function total(
  readiness: readonly GroupReadiness[],
): ReplicationCounts & { servers: number; ready: number; blocked: number } {
  const sum = { healthy: 0, syncing: 0, stopped: 0, servers: 0, ready: 0, blocked: 0 };
  for (const g of readiness) {
    sum.healthy += g.replication.healthy;
    sum.syncing += g.replication.syncing;
    sum.stopped += g.replication.stopped;
    sum.servers += g.servers;
    sum.ready += g.ready;
    sum.blocked += g.blocked;
  }
  return sum;
}

export function DashboardRoot(props: DashboardRootProps) {
  const { groups, readiness, readinessLoading, plans, executions, drills, loading, error, now, programme } = props;
  const sums = total(readiness);
  const active = activeExecutions(executions);
  const leftovers = runningDrillInstances(drills);
  const planRows = plansWithLastDrill(plans, executions);
  const groupName = (id: string) => groups.find(g => g.id === id)?.name ?? id;
  const c = strings.status.replication;
  return (
    <ContentLayout
      header={
        <Header variant="h1" description={t.description}>
          {t.title}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error ? <ApiErrorAlert error={error} /> : null}
        {programme}
        <Container header={<Header variant="h2">{t.servers}</Header>}>
          <ColumnLayout columns={4} variant="text-grid">
            <Counter label={t.groups} value={t.groupCount(groups.length)} loading={loading.groups} />
            <Counter
              label={t.readyServers}
              value={`${sums.ready} / ${sums.servers}`}
              loading={readinessLoading && readiness.length === 0}
            />
            <Counter
              label={c.healthy}
              value={<StatusIndicator type="success">{sums.healthy}</StatusIndicator>}
              loading={readinessLoading && readiness.length === 0}
            />
            <Counter
              label={`${c.syncing} / ${c.stopped}`}
              value={
                <SpaceBetween direction="horizontal" size="s">
                  <StatusIndicator type="in-progress">{sums.syncing}</StatusIndicator>
                  <StatusIndicator type="error">{sums.stopped}</StatusIndicator>
                </SpaceBetween>
              }
              loading={readinessLoading && readiness.length === 0}
            />
          </ColumnLayout>
        </Container>
        <Table
          header={<Header variant="h2">{t.groups}</Header>}
          items={readiness}
          loading={readinessLoading && readiness.length === 0}
          loadingText={strings.common.loading}
          trackBy="groupId"
          ariaLabels={{ tableLabel: t.groups }}
          empty={<EmptyState title={strings.groups.empty} />}
          columnDefinitions={[
            {
              id: 'name',
              header: strings.groups.columns.name,
              cell: g => <RouterLink href={`/protection-groups/${g.groupId}`}>{groupName(g.groupId)}</RouterLink>,
            },
            { id: 'servers', header: strings.groups.columns.servers, cell: g => g.servers },
            { id: 'ready', header: t.ready, cell: g => <StatusIndicator type="success">{g.ready}</StatusIndicator> },
            {
              id: 'blocked',
              header: t.blocked,
              cell: g => <StatusIndicator type={g.blocked > 0 ? 'error' : 'stopped'}>{g.blocked}</StatusIndicator>,
            },
            {
              id: 'replication',
              header: t.servers,
              cell: g =>
                `${c.healthy} ${g.replication.healthy} · ${c.syncing} ${g.replication.syncing} · ${c.stopped} ${g.replication.stopped}`,
            },
          ]}
        />
        <Table
          header={<Header variant="h2">{t.plans}</Header>}
          items={planRows}
          loading={loading.plans}
          loadingText={strings.common.loading}
          trackBy={row => row.plan.id}
          ariaLabels={{ tableLabel: t.plans }}
          empty={<EmptyState title={t.noPlans} />}
          columnDefinitions={[
            {
              id: 'name',
              header: strings.plans.columns.name,
              cell: row => <RouterLink href={`/recovery-plans/${row.plan.id}`}>{row.plan.name}</RouterLink>,
            },
            {
              id: 'last',
              header: t.lastDrill,
              cell: row =>
                row.lastDrill ? (
                  <RouterLink href={`/executions/${row.lastDrill.id}`}>
                    <ExecutionStatusBadge status={row.lastDrill.status} />
                  </RouterLink>
                ) : (
                  strings.common.never
                ),
            },
            {
              id: 'age',
              header: t.lastDrillAge,
              cell: row => (row.lastDrill ? formatAgo(runTime(row.lastDrill), now) : strings.common.none),
            },
          ]}
        />
        <Table
          header={<Header variant="h2">{t.active}</Header>}
          items={active}
          loading={loading.executions}
          loadingText={strings.common.loading}
          trackBy="id"
          ariaLabels={{ tableLabel: t.active }}
          empty={<EmptyState title={t.noActive} />}
          columnDefinitions={[
            {
              id: 'id',
              header: strings.history.columns.id,
              cell: run => <RouterLink href={`/executions/${run.id}`}>{run.id}</RouterLink>,
            },
            { id: 'plan', header: strings.history.columns.plan, cell: run => run.planName },
            { id: 'mode', header: strings.history.columns.mode, cell: run => strings.executions.modes[run.mode] },
            {
              id: 'status',
              header: strings.history.columns.status,
              cell: run => <ExecutionStatusBadge status={run.status} />,
            },
            { id: 'started', header: strings.history.columns.started, cell: run => formatDateTime(runTime(run)) },
          ]}
        />
        <Table
          header={
            <Header variant="h2" description={t.drillInstancesHelp}>
              {t.drillInstances}
            </Header>
          }
          items={leftovers}
          loading={loading.executions}
          loadingText={strings.common.loading}
          trackBy={row => row.execution.id}
          ariaLabels={{ tableLabel: t.drillInstances }}
          empty={<EmptyState title={t.noDrillInstances} />}
          columnDefinitions={[
            {
              id: 'id',
              header: strings.history.columns.id,
              cell: row => <RouterLink href={`/executions/${row.execution.id}`}>{row.execution.id}</RouterLink>,
            },
            { id: 'plan', header: strings.history.columns.plan, cell: row => row.execution.planName },
            { id: 'count', header: strings.executions.servers, cell: row => t.instances(row.instanceIds.length) },
            {
              id: 'age',
              header: t.lastDrillAge,
              cell: row => formatAge(row.execution.startedAt ?? row.execution.createdAt, now),
            },
          ]}
        />
      </SpaceBetween>
    </ContentLayout>
  );
}
