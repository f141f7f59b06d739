// The start dialog's point in time: a UTC date and time of day, as the API's ISO-8601 instant.
import { formatMinutes } from '../../common/format';

export type DataSource = 'LATEST' | 'POINT_IN_TIME';

/** "2026-12-01" + "03:00" or "03:00:15" -> "2026-12-01T03:00:00Z"; undefined while either is incomplete. */
export function pointInTimeOf(date: string, time: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)) return undefined;
  const iso = `${date}T${time.length === 5 ? `${time}:00` : time}Z`;
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 19) !== iso.slice(0, 19) ? undefined : iso;
}

/** Whether the instant lies after `now` (a run can only launch from the past). */
export function inFuture(iso: string, now: Date): boolean {
  return Date.parse(iso) > now.getTime();
}

/** "7 min", "2 h 5 min": how far before the chosen time the oldest snapshot was taken. */
export function formatGap(seconds: number): string {
  return formatMinutes(seconds / 60);
}
