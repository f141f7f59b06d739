import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import type { PlanReadiness, ServerReadiness } from '../../../api/types';
import { VerdictBadge } from '../../../common/status';
import { strings } from '../../../strings';

const t = strings.failback;

/** Every server of the failback readiness report that is not READY, in wave order. */
export function serversNotReady(report: PlanReadiness): ServerReadiness[] {
  return report.waves.flatMap(w => w.servers).filter(s => s.verdict !== 'READY');
}

/** Where a server stands in its failback: the reverse replication's progress (EC2 origin), else DRS's state. */
export function failbackProgress(server: ServerReadiness): string {
  if (server.reverseReplicationPercent !== null && server.reverseReplicationPercent !== undefined) {
    return t.reverseReplication(Math.floor(server.reverseReplicationPercent));
  }
  return server.failbackState ?? strings.common.none;
}

/** Who cannot fail back yet and why: failback client not connected, reverse replication, terminated instance. */
export function FailbackReadinessTable({ report }: { report: PlanReadiness }) {
  const servers = serversNotReady(report);
  if (servers.length === 0) return <Box color="text-status-success">{t.allReady}</Box>;
  const blocked = servers.filter(s => s.verdict === 'BLOCKED').length;
  return (
    <SpaceBetween size="xs">
      {blocked > 0 ? <Box color="text-status-error">{t.blocked(blocked)}</Box> : null}
      {servers.length > blocked ? <Box color="text-status-warning">{t.warnings(servers.length - blocked)}</Box> : null}
      <Table
        variant="embedded"
        wrapLines
        ariaLabels={{ tableLabel: t.readiness }}
        items={servers}
        trackBy="sourceServerId"
        columnDefinitions={[
          { id: 'server', header: t.columns.server, cell: s => s.sourceServerId },
          { id: 'verdict', header: t.columns.verdict, cell: s => <VerdictBadge verdict={s.verdict} /> },
          { id: 'failback', header: t.columns.failback, cell: failbackProgress },
          {
            id: 'reasons',
            header: t.columns.reasons,
            cell: s => (
              <SpaceBetween size="xxs">
                {s.reasons.map(r => (
                  <span key={r.code}>{r.message}</span>
                ))}
              </SpaceBetween>
            ),
          },
        ]}
      />
    </SpaceBetween>
  );
}
