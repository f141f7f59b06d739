import Header from '@cloudscape-design/components/header';
import type { Execution, ExecutionEvent, ExecutionServer } from '../../api/types';
import { CollectionTable } from '../../common/collection-table';
import { formatSnapshot } from '../../common/format';
import { HealthBadge, LaunchStatusBadge } from '../../common/status';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';

const c = strings.executions.serverColumns;

interface Row extends ExecutionServer {
  key: string;
  waveId: string;
}

/** The latest DRS job-log step of each server (its JOB_LOG events), as the "DRS phase". */
export function phaseByServer(events: readonly ExecutionEvent[]): Map<string, string> {
  const phases = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'JOB_LOG' && event.sourceServerId) {
      const step = event.details?.event;
      phases.set(event.sourceServerId, typeof step === 'string' ? step : event.message);
    }
  }
  return phases;
}

export function serverRows(execution: Execution): Row[] {
  return execution.waves.flatMap(w => w.servers.map(s => ({ ...s, waveId: w.id, key: `${w.id}/${s.sourceServerId}` })));
}

/** Every server of the run: launch status, DRS phase, health, recovery instance. */
export function ServersTable({
  execution,
  events,
  waveName,
}: {
  execution: Execution;
  events: readonly ExecutionEvent[];
  waveName: (id: string) => string;
}) {
  const rows = serverRows(execution);
  const phases = phaseByServer(events);
  return (
    <CollectionTable
      items={rows}
      trackBy="key"
      filterWhat={strings.executions.servers.toLowerCase()}
      ariaLabel={strings.executions.servers}
      pageSize={50}
      empty={<EmptyState title={strings.executions.timelineEmpty} />}
      header={
        <Header variant="h2" counter={`(${rows.length})`}>
          {strings.executions.servers}
        </Header>
      }
      columns={[
        { id: 'wave', header: c.wave, cell: r => waveName(r.waveId), sortingField: 'waveId' },
        { id: 'server', header: c.server, cell: r => r.sourceServerId, sortingField: 'sourceServerId' },
        {
          id: 'launch',
          header: c.launch,
          cell: r => <LaunchStatusBadge status={r.launchStatus} />,
          sortingField: 'launchStatus',
        },
        { id: 'phase', header: c.phase, cell: r => phases.get(r.sourceServerId) ?? strings.common.none },
        { id: 'health', header: c.health, cell: r => <HealthBadge health={r.health} /> },
        { id: 'impact', header: c.impact, cell: r => r.impact },
        { id: 'error', header: c.error, cell: r => r.error ?? strings.common.none },
        { id: 'instance', header: c.instance, cell: r => r.recoveryInstanceId ?? strings.common.none },
        ...(execution.pointInTime ? [{ id: 'snapshot', header: c.snapshot, cell: (r: Row) => formatSnapshot(r) }] : []),
      ]}
    />
  );
}
