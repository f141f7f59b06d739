import Header from '@cloudscape-design/components/header';
import type { ExecutionEvent } from '../../api/types';
import { CollectionTable } from '../../common/collection-table';
import { formatDateTime } from '../../common/format';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';

const c = strings.executions.eventColumns;

/** The job log: DRS job log items and the engine's own events, newest first. */
export function EventsTable({
  events,
  loading,
  waveName,
}: {
  events: ExecutionEvent[];
  loading: boolean;
  waveName: (id: string) => string;
}) {
  const rows = events.map(e => ({ ...e, key: e.eventId }));
  const columns = [
    { id: 'time', header: c.time, cell: (e: (typeof rows)[number]) => formatDateTime(e.at), sortingField: 'eventId' },
    {
      id: 'wave',
      header: c.wave,
      cell: (e: (typeof rows)[number]) => (e.waveId ? waveName(e.waveId) : strings.common.none),
    },
    { id: 'server', header: c.server, cell: (e: (typeof rows)[number]) => e.sourceServerId ?? strings.common.none },
    { id: 'event', header: c.event, cell: (e: (typeof rows)[number]) => e.type, sortingField: 'type' },
    { id: 'message', header: c.message, cell: (e: (typeof rows)[number]) => e.message },
  ];
  return (
    <CollectionTable
      items={rows}
      trackBy="key"
      loading={loading}
      filterWhat={strings.executions.events.toLowerCase()}
      ariaLabel={strings.executions.events}
      pageSize={50}
      defaultSort={columns[0]}
      defaultSortDescending
      empty={<EmptyState title={strings.executions.eventsEmpty} />}
      header={
        <Header variant="h2" counter={`(${rows.length})`}>
          {strings.executions.events}
        </Header>
      }
      columns={columns}
    />
  );
}
