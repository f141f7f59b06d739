// A drill schedule as the form edits it, and the time shown in the schedule's own time zone.
import type { FieldError, Schedule, ScheduleInput } from '../../api/types';
import { strings } from '../../strings';

const t = strings.schedules;

export interface ScheduleDraft {
  expression: string;
  timezone: string;
  enabled: boolean;
}

export const NEW_SCHEDULE: ScheduleDraft = { expression: 'cron(0 3 ? * SAT#1 *)', timezone: 'UTC', enabled: true };

export function scheduleToDraft(schedule: Schedule): ScheduleDraft {
  return { expression: schedule.expression, timezone: schedule.timezone, enabled: schedule.enabled };
}

/** Only drills can be scheduled: the mode is always DRILL. */
export function draftToInput(draft: ScheduleDraft): ScheduleInput {
  return {
    expression: draft.expression.trim(),
    timezone: draft.timezone.trim(),
    mode: 'DRILL',
    enabled: draft.enabled,
  };
}

/** What the form can tell before asking the API (which checks the expression's syntax and interval). */
export function validateSchedule(draft: ScheduleDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^(cron|rate)\(.+\)$/.test(draft.expression.trim()))
    errors.push({ name: 'expression', message: t.expressionRequired });
  if (draft.timezone.trim() === '') errors.push({ name: 'timezone', message: t.timezoneRequired });
  return errors;
}

/** The IANA time zones the browser knows, UTC first. */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return ['UTC', ...zones.filter(zone => zone !== 'UTC')];
}

/** "Sat, 2 Jan 2027, 03:00 CET": an instant as the wall clock of `zone` shows it (UTC when the zone is unknown). */
export function formatInZone(iso: string | null | undefined, zone: string): string {
  if (!iso) return t.notScheduled;
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: zone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(new Date(iso));
  }
}

/** The last firing in words: the drill it started, why it started none, or that it has not fired. */
export function describeLastResult(schedule: Schedule): string {
  const result = schedule.lastResult;
  if (!result) return t.neverFired;
  if (result.executionId) return t.started(result.executionId);
  return t.notStarted(result.error ?? '');
}
