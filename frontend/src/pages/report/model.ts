import type { Execution, ExecutionReport, ExecutionWave, Wave } from '../../api/types';
import { minutesBetween } from '../../common/format';
import { runOrigin, type Span } from '../../gantt/gantt-model';

export const DEFAULT_WAVE_MINUTES = 60;

/**
 * The plan's schedule in minutes from the start: a wave starts when the last wave it depends on is due to end,
 * and lasts its timeout (its time budget). Waves in a cycle (which the API refuses) are left out.
 */
export function plannedSchedule(
  waves: readonly Pick<Wave, 'id' | 'dependsOn' | 'timeoutMinutes'>[],
): Map<string, Span> {
  const byId = new Map(waves.map(w => [w.id, w]));
  const schedule = new Map<string, Span>();
  const visiting = new Set<string>();
  const place = (id: string): Span | null => {
    const known = schedule.get(id);
    if (known) return known;
    const wave = byId.get(id);
    if (!wave || visiting.has(id)) return null;
    visiting.add(id);
    let start = 0;
    for (const dep of wave.dependsOn ?? []) {
      const before = place(dep.waveId);
      if (before === null && byId.has(dep.waveId)) return null;
      start = Math.max(start, before?.end ?? 0);
    }
    visiting.delete(id);
    const span = { start, end: start + (wave.timeoutMinutes ?? DEFAULT_WAVE_MINUTES) };
    schedule.set(id, span);
    return span;
  };
  waves.forEach(w => place(w.id));
  return schedule;
}

/** The planned windows the API computed from the run's own plan snapshot (waves it could not place are left out). */
export function reportPlannedSchedule(report: Pick<ExecutionReport, 'waves'>): Map<string, Span> {
  const schedule = new Map<string, Span>();
  for (const wave of report.waves) {
    if (wave.plannedStartMinutes != null && wave.plannedEndMinutes != null) {
      schedule.set(wave.waveId, { start: wave.plannedStartMinutes, end: wave.plannedEndMinutes });
    }
  }
  return schedule;
}

export interface WaveTimings {
  planned: Span | null;
  actual: Span | null;
  /** How many minutes after its planned end the wave ended (negative: early). */
  deviation: number | null;
}

/** A wave's planned and actual window in minutes from the start of the run. */
export function waveTimings(
  execution: Execution,
  wave: ExecutionWave,
  planned: ReadonlyMap<string, Span>,
): WaveTimings {
  const origin = runOrigin(execution);
  const plan = planned.get(wave.id) ?? null;
  const actual =
    wave.startedAt && wave.endedAt
      ? { start: minutesBetween(origin, wave.startedAt), end: minutesBetween(origin, wave.endedAt) }
      : null;
  return { planned: plan, actual, deviation: plan && actual ? actual.end - plan.end : null };
}

export interface RtoSummary {
  targetMinutes: number;
  measuredMinutes: number | null;
  met: boolean | null;
}

export function rtoSummary(report: ExecutionReport): RtoSummary {
  const rto = report.execution.rto;
  return {
    targetMinutes: report.rtoTargetMinutes,
    measuredMinutes: rto.measuredSeconds === null ? null : rto.measuredSeconds / 60,
    met: rto.met,
  };
}
