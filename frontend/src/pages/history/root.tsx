import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ExecutionHeader } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { CollectionTable } from '../../common/collection-table';
import { elapsedMinutes, formatDateTime, formatMinutes } from '../../common/format';
import { RouterLink } from '../../common/router-link';
import { ExecutionStatusBadge } from '../../common/status';
import { EmptyState } from '../../common/table-states';
import { RunMode } from '../execution/failback/run-mode';
import { strings } from '../../strings';
import { runTime } from '../dashboard/summary';

const t = strings.history;

export function HistoryRoot({
  executions,
  loading,
  error,
  now,
}: {
  executions: ExecutionHeader[];
  loading: boolean;
  error: unknown;
  now: Date;
}) {
  const columns = [
    {
      id: 'id',
      header: t.columns.id,
      cell: (e: ExecutionHeader) => <RouterLink href={`/executions/${e.id}`}>{e.id}</RouterLink>,
      sortingField: 'id',
    },
    { id: 'plan', header: t.columns.plan, cell: (e: ExecutionHeader) => e.planName },
    {
      id: 'mode',
      header: t.columns.mode,
      cell: (e: ExecutionHeader) => <RunMode mode={e.mode} sourceExecutionId={e.sourceExecutionId} />,
      sortingField: 'mode',
    },
    {
      id: 'status',
      header: t.columns.status,
      cell: (e: ExecutionHeader) => <ExecutionStatusBadge status={e.status} />,
      sortingField: 'status',
    },
    {
      id: 'started',
      header: t.columns.started,
      cell: (e: ExecutionHeader) => formatDateTime(runTime(e)),
      sortingField: 'createdAt',
    },
    {
      id: 'duration',
      header: t.columns.duration,
      cell: (e: ExecutionHeader) => {
        const minutes = elapsedMinutes(e.startedAt, e.endedAt, now);
        return minutes === null ? strings.common.none : formatMinutes(minutes);
      },
    },
    {
      id: 'report',
      header: strings.executions.report,
      cell: (e: ExecutionHeader) => <RouterLink href={`/history/${e.id}`}>{strings.executions.report}</RouterLink>,
    },
  ];
  return (
    <SpaceBetween size="m">
      {error ? <ApiErrorAlert error={error} /> : null}
      <CollectionTable
        items={executions}
        columns={columns}
        loading={loading}
        trackBy="id"
        filterWhat={t.title.toLowerCase()}
        ariaLabel={t.title}
        defaultSort={columns[4]}
        defaultSortDescending
        empty={<EmptyState title={t.empty} />}
        header={
          <Header variant="awsui-h1-sticky" counter={`(${executions.length})`} description={t.description}>
            {t.title}
          </Header>
        }
      />
    </SpaceBetween>
  );
}
