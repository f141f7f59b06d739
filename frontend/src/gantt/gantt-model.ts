import type { Execution, ExecutionReport, WaveStatus } from '../api/types';
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

function actualSpan(origin: string, startedAt: string | null | undefined, endedAt: string | null | undefined, now: Date): Span | null {
  if (!startedAt) return null;
  const start = Math.max(0, minutesBetween(origin, startedAt));
  const end = Math.max(start, minutesBetween(origin, endedAt ?? now.toISOString()));
  return { start, end };
}

function spanOf(rows: readonly GanttRow[]): number {
  const ends = rows.flatMap(r => [r.actual?.end ?? 0, r.planned?.end ?? 0]);
  return Math.max(1, ...ends);
}

/** The live timeline: one row per wave, followed by a row per server of that wave. */
export function executionGantt(execution: Execution, now: Date, waveName: (id: string) => string = id => id): GanttModel {
  const origin = execution.startedAt;
  const rows: GanttRow[] = execution.waves.flatMap(wave => {
    const waveRow: GanttRow = {
      id: wave.id,
      label: waveName(wave.id),
      kind: 'wave',
      status: wave.status,
      actual: actualSpan(origin, wave.startedAt, wave.endedAt, now),
    };
    const serverRows = wave.servers.map(
      (server): GanttRow => ({
        id: `${wave.id}/${server.sourceServerId}`,
        label: server.sourceServerId,
        kind: 'server',
        status: wave.status,
        actual: actualSpan(origin, server.startedAt ?? wave.startedAt, server.endedAt ?? (server.launchStatus === 'IN_PROGRESS' || server.launchStatus === 'PENDING' ? null : wave.endedAt), now),
      }),
    );
    return [waveRow, ...serverRows];
  });
  return { rows, span: spanOf(rows) };
}

/** The report's timeline: planned against actual, per wave and per server. */
export function reportGantt(report: ExecutionReport, now: Date): GanttModel {
  const origin = report.startedAt;
  const rows: GanttRow[] = report.waves.flatMap(wave => {
    const planned = { start: wave.plannedStartMinute, end: wave.plannedStartMinute + wave.plannedDurationMinutes };
    return [
      {
        id: wave.waveId,
        label: wave.name,
        kind: 'wave' as const,
        status: wave.status,
        planned,
        actual: actualSpan(origin, wave.startedAt, wave.endedAt, now),
      },
      ...wave.servers.map(server => ({
        id: `${wave.waveId}/${server.sourceServerId}`,
        label: server.sourceServerId,
        kind: 'server' as const,
        status: wave.status,
        actual: actualSpan(origin, server.startedAt, server.endedAt, now),
      })),
    ];
  });
  return { rows, span: spanOf(rows) };
}

/** Round tick positions (minutes) for an axis of `span` minutes: about six ticks, at 1/2/5/10/15/30/60... steps. */
export function ticks(span: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440];
  const step = steps.find(s => span / s <= 6) ?? steps[steps.length - 1] ?? 1440;
  const out: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push(t);
  return out;
}
