import Alert from '@cloudscape-design/components/alert';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import type { ClientConnections } from '../../../api/hooks/failback';
import { strings } from '../../../strings';

const t = strings.failback;

/** What local mode's demo did for each server, under its own note that only local mode does this. */
export function ClientConnectionsResult({ result }: { result: ClientConnections }) {
  return (
    <SpaceBetween size="xs">
      <Alert type="info" header={t.connectedTitle}>
        {result.message}
      </Alert>
      <Table
        variant="embedded"
        wrapLines
        ariaLabels={{ tableLabel: t.connectedTitle }}
        items={result.items}
        trackBy="sourceServerId"
        columnDefinitions={[
          { id: 'server', header: t.columns.server, cell: c => c.sourceServerId },
          { id: 'result', header: t.columns.result, cell: c => t.connectStatus[c.status] },
          { id: 'message', header: t.columns.message, cell: c => c.message },
        ]}
      />
    </SpaceBetween>
  );
}
