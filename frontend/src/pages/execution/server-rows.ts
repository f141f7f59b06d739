import type { Execution, ExecutionServer, LaunchStatus } from '../../api/types';
import { formatMinutes } from '../../common/format';
import { strings } from '../../strings';

const t = strings.executions;

/** A server's launch status for filtering: DRS's, or NOT_STARTED before it is put in a job. */
export type LaunchFilterValue = LaunchStatus | 'NOT_STARTED';

export interface ServerRow extends ExecutionServer {
  key: string;
  waveId: string;
  launch: LaunchFilterValue;
}

/** What the operator narrowed the table to; an absent field matches every server. */
export interface ServerFilters {
  waveId?: string;
  launch?: LaunchFilterValue;
  accountId?: string;
  region?: string;
  /** Free text, matched against the server id, recovery instance and error. */
  text?: string;
}

export function serverRows(execution: Execution): ServerRow[] {
  return execution.waves.flatMap(w =>
    w.servers.map(s => ({
      ...s,
      waveId: w.id,
      key: `${w.id}/${s.sourceServerId}`,
      launch: s.launchStatus ?? 'NOT_STARTED',
    })),
  );
}

function matchesText(row: ServerRow, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [row.sourceServerId, row.recoveryInstanceId, row.error, row.jobId].some(v =>
    v?.toLowerCase().includes(needle),
  );
}

export function matchesFilters(row: ServerRow, filters: ServerFilters): boolean {
  return (
    (filters.waveId === undefined || row.waveId === filters.waveId) &&
    (filters.launch === undefined || row.launch === filters.launch) &&
    (filters.accountId === undefined || row.accountId === filters.accountId) &&
    (filters.region === undefined || row.region === filters.region) &&
    matchesText(row, filters.text ?? '')
  );
}

export interface FilterChoices {
  waveIds: string[];
  launches: LaunchFilterValue[];
  accountIds: string[];
  regions: string[];
}

const LAUNCH_ORDER: LaunchFilterValue[] = ['NOT_STARTED', 'PENDING', 'IN_PROGRESS', 'LAUNCHED', 'FAILED', 'TERMINATED'];

/** The values present among the rows, for the filter menus (waves in plan order, the rest sorted). */
export function filterChoices(rows: readonly ServerRow[]): FilterChoices {
  const waveIds = [...new Set(rows.map(r => r.waveId))];
  const launches = new Set(rows.map(r => r.launch));
  const present = (values: (string | null | undefined)[]) =>
    [...new Set(values.filter((v): v is string => !!v))].sort();
  return {
    waveIds,
    launches: LAUNCH_ORDER.filter(l => launches.has(l)),
    accountIds: present(rows.map(r => r.accountId)),
    regions: present(rows.map(r => r.region)),
  };
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
