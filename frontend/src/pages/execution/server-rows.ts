import type { ServerQuery, ServerStatusFilter, WaveServer } from '../../api/hooks/executions';
import type { ExecutionWave, LaunchStatus } from '../../api/types';
import { formatMinutes } from '../../common/format';
import { strings } from '../../strings';

const t = strings.executions;

/** A server's launch status for display: DRS's, or NOT_STARTED before it is put in a job. */
export type LaunchFilterValue = LaunchStatus | 'NOT_STARTED';

export interface ServerRow extends WaveServer {
  key: string;
  launch: LaunchFilterValue;
}

/** The rows of one page of the servers listing. */
export function pageRows(items: readonly WaveServer[]): ServerRow[] {
  return items.map(s => ({ ...s, key: `${s.waveId}/${s.sourceServerId}`, launch: s.launchStatus ?? 'NOT_STARTED' }));
}

/** Free text on the page shown, matched against the server id, recovery instance, error and job. */
export function matchesText(row: ServerRow, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [row.sourceServerId, row.recoveryInstanceId, row.error, row.jobId].some(v =>
    v?.toLowerCase().includes(needle),
  );
}

const STATUS_ORDER: ServerStatusFilter[] = [
  'NOT_STARTED',
  'PENDING',
  'IN_PROGRESS',
  'LAUNCHED',
  'FAILED',
  'TERMINATED',
  'HEALTHY',
  'UNHEALTHY',
];

/** How many servers of the waves stand in each status the listing filters on, from the waves' `serverCounts`. */
export function statusTotals(waves: readonly Pick<ExecutionWave, 'serverCounts'>[]): Map<ServerStatusFilter, number> {
  const totals = new Map<ServerStatusFilter, number>();
  const add = (status: string, n: number) => {
    const key = status as ServerStatusFilter;
    totals.set(key, (totals.get(key) ?? 0) + n);
  };
  for (const { serverCounts: counts } of waves) {
    if (!counts) continue;
    const started = Object.values(counts.launch).reduce((sum, n) => sum + n, 0);
    add('NOT_STARTED', counts.total - started);
    for (const [status, n] of Object.entries(counts.launch)) add(status, n);
    for (const [verdict, n] of Object.entries(counts.health)) if (verdict !== 'UNKNOWN') add(verdict, n);
  }
  return totals;
}

/** The statuses a filter menu offers: those some server is in, and the one chosen. */
export function statusChoices(
  waves: readonly Pick<ExecutionWave, 'serverCounts'>[],
  chosen?: ServerStatusFilter,
): ServerStatusFilter[] {
  const totals = statusTotals(waves);
  return STATUS_ORDER.filter(s => (totals.get(s) ?? 0) > 0 || s === chosen);
}

/**
 * How many servers match `where`, when the waves' counts tell it (a wave and/or a status); `undefined` once an
 * account or Region narrows it (counts are per wave, not per target).
 */
export function matchingCount(waves: readonly ExecutionWave[], where: ServerQuery): number | undefined {
  if (where.accountId !== undefined || where.region !== undefined) return undefined;
  const chosen = waves.filter(w => where.waveId === undefined || w.id === where.waveId);
  if (chosen.some(w => w.serverCounts === undefined)) return undefined;
  if (where.status === undefined) return chosen.reduce((sum, w) => sum + (w.serverCounts?.total ?? 0), 0);
  return statusTotals(chosen).get(where.status) ?? 0;
}

/** The sorted union of the values given, without empties: a filter menu's choices. */
export function choices(...lists: readonly (readonly (string | null | undefined)[])[]): string[] {
  return [...new Set(lists.flat().filter((v): v is string => !!v))].sort();
}

const IN_FLIGHT: ReadonlySet<LaunchFilterValue> = new Set(['PENDING', 'IN_PROGRESS']);

/**
 * The "DRS phase" cell: where a server in flight is in its job and for how long ("Conversion for 4 min"); once it
 * launched or failed, the last phase it entered; nothing before the job log shows it.
 */
export function phaseText(row: Pick<ServerRow, 'drsPhase' | 'launch'>, now: Date): string {
  const phase = row.drsPhase;
  if (!phase) return strings.common.none;
  const label = t.drsPhases[phase.phase];
  if (!IN_FLIGHT.has(row.launch)) return label;
  const minutes = Math.max(0, (now.getTime() - Date.parse(phase.since)) / 60_000);
  return t.phaseFor(label, formatMinutes(minutes));
}
