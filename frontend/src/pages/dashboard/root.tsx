import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { UseQueryResult } from '@tanstack/react-query';
import type { Execution, ProtectionGroup, RecoveryPlan, SourceServer } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { formatAge, formatDateTime } from '../../common/format';
import { RouterLink } from '../../common/router-link';
import { ExecutionStatusBadge } from '../../common/status';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';
import { activeExecutions, countByReplication, plansWithLastDrill, runningDrillInstances } from './summary';

const t = strings.dashboard;

export interface DashboardRootProps {
  groups: UseQueryResult<ProtectionGroup[]>;
  plans: UseQueryResult<RecoveryPlan[]>;
  executions: UseQueryResult<Execution[]>;
  servers: UseQueryResult<SourceServer[]>;
  now: Date;
}

function Counter({ label, value, loading }: { label: string; value: React.ReactNode; loading: boolean }) {
  return (
    <div>
      <Box variant="awsui-key-label">{label}</Box>
      {loading ? <StatusIndicator type="loading">{strings.common.loading}</StatusIndicator> : <Box variant="awsui-value-large">{value}</Box>}
    </div>
  );
}

export function DashboardRoot({ groups, plans, executions, servers, now }: DashboardRootProps) {
  const runs = executions.data ?? [];
  const counts = countByReplication(servers.data ?? []);
  const active = activeExecutions(runs);
  const drills = runningDrillInstances(runs);
  const planRows = plansWithLastDrill(plans.data ?? [], runs);
  const error = groups.error ?? plans.error ?? executions.error ?? servers.error;
  return (
    <ContentLayout header={<Header variant="h1" description={t.description}>{t.title}</Header>}>
      <SpaceBetween size="l">
        {error ? <ApiErrorAlert error={error} /> : null}
        <Container header={<Header variant="h2">{t.servers}</Header>}>
          <ColumnLayout columns={4} variant="text-grid">
            <Counter label={t.groups} value={groups.data?.length ?? 0} loading={groups.isPending} />
            <Counter
              label={strings.status.replication.healthy}
              value={<StatusIndicator type="success">{counts.healthy}</StatusIndicator>}
              loading={servers.isPending}
            />
            <Counter
              label={strings.status.replication.syncing}
              value={<StatusIndicator type="in-progress">{counts.syncing}</StatusIndicator>}
              loading={servers.isPending}
            />
            <Counter
              label={strings.status.replication.stopped}
              value={<StatusIndicator type="error">{counts.stopped}</StatusIndicator>}
              loading={servers.isPending}
            />
          </ColumnLayout>
        </Container>
        <Table
          header={<Header variant="h2">{t.plans}</Header>}
          items={planRows}
          loading={plans.isPending}
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
                row.lastDrill ? <ExecutionStatusBadge status={row.lastDrill.status} /> : strings.common.never,
            },
            {
              id: 'age',
              header: t.lastDrillAge,
              cell: row =>
                row.lastDrill ? strings.common.ago(formatAge(row.lastDrill.startedAt, now)) : strings.common.none,
            },
          ]}
        />
        <Table
          header={<Header variant="h2">{t.active}</Header>}
          items={active}
          loading={executions.isPending}
          loadingText={strings.common.loading}
          trackBy="id"
          ariaLabels={{ tableLabel: t.active }}
          empty={<EmptyState title={t.noActive} />}
          columnDefinitions={[
            { id: 'id', header: strings.history.columns.id, cell: run => <RouterLink href={`/executions/${run.id}`}>{run.id}</RouterLink> },
            { id: 'plan', header: strings.history.columns.plan, cell: run => run.planName ?? run.planId },
            { id: 'mode', header: strings.history.columns.mode, cell: run => strings.executions.modes[run.mode] },
            { id: 'status', header: strings.history.columns.status, cell: run => <ExecutionStatusBadge status={run.status} /> },
            { id: 'started', header: strings.history.columns.started, cell: run => formatDateTime(run.startedAt) },
          ]}
        />
        <Table
          header={<Header variant="h2" description={t.drillInstancesHelp}>{t.drillInstances}</Header>}
          items={drills}
          loading={executions.isPending}
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
            { id: 'plan', header: strings.history.columns.plan, cell: row => row.execution.planName ?? row.execution.planId },
            { id: 'count', header: strings.executions.servers, cell: row => t.instances(row.instanceIds.length) },
            {
              id: 'age',
              header: t.lastDrillAge,
              cell: row => formatAge(row.execution.startedAt, now),
            },
          ]}
        />
      </SpaceBetween>
    </ContentLayout>
  );
}
