import type { Execution, ExecutionServer, ExecutionWave, WaveStatus } from '../api/types';
import { minutesBetween } from '../common/format';
import { groupsFromCounts, SERVER_GROUPS, serverGroup, type ServerGroup } from '../graph/server-groups';
import { strings } from '../strings';

export interface Span {
  start: number;
  end: number;
}

export interface GanttRow {
  id: string;
  label: string;
  /** A wave, or a group of its servers (counted, never one row per server). */
  kind: 'wave' | 'servers';
  status?: WaveStatus;
  /** The group of a `servers` row: drawn in that group's colour. */
  group?: ServerGroup;
  /** How many servers a `servers` row stands for. */
  count?: number;
  /** Minutes from the run's start; `end` is "now" while it goes on. null when it has not started. */
  actual: Span | null;
  planned?: Span;
}

export interface GanttModel {
  rows: GanttRow[];
  /** Total minutes the chart covers (at least 1). */
  span: number;
}

/** The moment minutes are counted from: the run's start, or its creation while it has not started. */
export function runOrigin(execution: Pick<Execution, 'startedAt' | 'createdAt'>): string {
  return execution.startedAt ?? execution.createdAt;
}

function toSpan(origin: string, from: string | null, to: string | null, now: Date): Span | null {
  if (!from) return null;
  const start = Math.max(0, minutesBetween(origin, from));
  return { start, end: Math.max(start, minutesBetween(origin, to ?? now.toISOString())) };
}

/** When a server was done: healthy, else launched; null while it is still on its way. */
export function serverDoneAt(
  server: Pick<ExecutionServer, 'healthyAt' | 'launchedAt' | 'launchStatus'>,
): string | null {
  return server.healthyAt ?? server.launchedAt ?? null;
}

/** Where one server's bar ends: when it was healthy (or launched); `now` while in flight; the wave's end otherwise. */
function serverEnd(server: ExecutionServer, wave: ExecutionWave): string | null {
  const stillGoing =
    server.launchStatus === 'PENDING' || server.launchStatus === 'IN_PROGRESS' || server.launchStatus === null;
  return serverDoneAt(server) ?? (stillGoing ? null : wave.endedAt);
}

/**
 * A wave's groups from its `serverCounts` alone (the live view's summary carries no server): a bar from the wave's
 * start to its end, to `now` while it goes on; none for the servers not started.
 */
function countedRows(origin: string, wave: ExecutionWave, now: Date): GanttRow[] {
  const counts = wave.serverCounts ? groupsFromCounts(wave.serverCounts) : undefined;
  const span = toSpan(origin, wave.startedAt, wave.endedAt, now);
  return SERVER_GROUPS.filter(group => (counts?.[group] ?? 0) > 0).map(group => {
    const count = counts?.[group] ?? 0;
    return {
      id: `${wave.id}/${group}`,
      label: `${strings.executions.serverGroups[group]} (${count})`,
      kind: 'servers',
      status: wave.status,
      group,
      count,
      actual: group === 'NOT_STARTED' ? null : span,
    };
  });
}

/** A wave's servers as one row per group that has any, each bar from the wave's start to its group's last end. */
function groupRows(origin: string, wave: ExecutionWave, now: Date): GanttRow[] {
  if (wave.servers.length === 0) return countedRows(origin, wave, now);
  const byGroup = new Map<ServerGroup, ExecutionServer[]>();
  for (const server of wave.servers) {
    const group = serverGroup(server);
    byGroup.set(group, [...(byGroup.get(group) ?? []), server]);
  }
  return SERVER_GROUPS.filter(group => byGroup.has(group)).map(group => {
    const servers = byGroup.get(group) ?? [];
    const spans = servers.map(server => toSpan(origin, wave.startedAt, serverEnd(server, wave), now));
    const ends = spans.flatMap(span => (span ? [span.end] : []));
    const start = spans.find(span => span)?.start;
    return {
      id: `${wave.id}/${group}`,
      label: `${strings.executions.serverGroups[group]} (${servers.length})`,
      kind: 'servers',
      status: wave.status,
      group,
      count: servers.length,
      actual: group === 'NOT_STARTED' || start === undefined ? null : { start, end: Math.max(...ends) },
    };
  });
}

/**
 * The timeline: one row per wave followed by a row per group of its servers (healthy, launched, in flight, not
 * started, failed) with their count; a group's bar runs from the wave's start to the last moment one of its servers
 * was done (healthy, else launched), to `now` while some are still on their way. `planned` adds each wave's planned
 * window. Rows grow with the waves, never with the servers.
 */
export function executionGantt(execution: Execution, now: Date, planned?: ReadonlyMap<string, Span>): GanttModel {
  const origin = runOrigin(execution);
  const rows: GanttRow[] = execution.waves.flatMap(wave => {
    const plannedSpan = planned?.get(wave.id);
    const waveRow: GanttRow = {
      id: wave.id,
      label: wave.name || wave.id,
      kind: 'wave',
      status: wave.status,
      actual: toSpan(origin, wave.startedAt, wave.endedAt, now),
      ...(plannedSpan ? { planned: plannedSpan } : {}),
    };
    return [waveRow, ...groupRows(origin, wave, now)];
  });
  const ends = rows.flatMap(r => [r.actual?.end ?? 0, r.planned?.end ?? 0]);
  return { rows, span: Math.max(1, ...ends) };
}

/** Round tick positions (minutes) for an axis of `span` minutes: about six ticks, at 1/2/5/10/15/30/60... steps. */
export function ticks(span: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440];
  const step = steps.find(s => span / s <= 6) ?? steps[steps.length - 1] ?? 1440;
  const out: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push(t);
  return out;
}
