import type { Execution, ExecutionServer, WaveStatus } from '../api/types';
import { minutesBetween } from '../common/format';

export interface Span {
  start: number;
  end: number;
}

export interface GanttRow {
  id: string;
  label: string;
  kind: 'wave' | 'server';
  status?: WaveStatus;
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

/**
 * The timeline: one row per wave followed by a row per server of that wave. A server's bar runs from its wave's
 * start to the moment it was healthy (or launched); bars still going on run to `now`. `planned` adds each wave's
 * planned window.
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
    const stillGoing = (server: ExecutionServer) =>
      server.launchStatus === 'PENDING' || server.launchStatus === 'IN_PROGRESS' || server.launchStatus === null;
    const serverRows = wave.servers.map((server): GanttRow => ({
      id: `${wave.id}/${server.sourceServerId}`,
      label: server.sourceServerId,
      kind: 'server',
      status: wave.status,
      actual: toSpan(origin, wave.startedAt, serverDoneAt(server) ?? (stillGoing(server) ? null : wave.endedAt), now),
    }));
    return [waveRow, ...serverRows];
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
