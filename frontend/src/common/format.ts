// Time and duration formatting. "now" is always passed in, so every function here is pure.
import { strings } from '../strings';

const c = strings.common;

export function minutesBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 60_000;
}

export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes * 10) / 10;
  if (Math.abs(rounded) < 60) return c.minutes(rounded);
  const hours = Math.floor(Math.abs(rounded) / 60);
  const rest = Math.round(Math.abs(rounded) % 60);
  return c.hoursAndMinutes(rounded < 0 ? '-' : '', hours, rest);
}

/** "3 d", "5 h", "12 min", "now": how long ago `iso` was. */
export function formatAge(iso: string, now: Date): string {
  const minutes = Math.max(0, (now.getTime() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return c.age.now;
  if (minutes < 60) return c.minutes(Math.floor(minutes));
  if (minutes < 48 * 60) return c.age.hours(Math.floor(minutes / 60));
  return c.age.days(Math.floor(minutes / (24 * 60)));
}

/** "3 d ago", "just now": `formatAge` as a phrase. */
export function formatAgo(iso: string, now: Date): string {
  const age = formatAge(iso, now);
  return age === c.age.now ? c.justNow : c.ago(age);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return c.none;
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

/**
 * `now`, or the latest of `times` when that is later: a clock behind the server's (a skewed client, or local mode's
 * sped-up time) must not make a running record look as if it started in the future.
 */
export function notBefore(now: Date, times: readonly (string | null | undefined)[]): Date {
  const latest = Math.max(
    now.getTime(),
    ...times.map(time => (time ? Date.parse(time) : Number.NaN)).filter(Number.isFinite),
  );
  return new Date(latest);
}

/** "15:17:50Z": the time of day of `iso` (UTC), for tables under a heading that gives the date. */
export function formatTime(iso: string | null | undefined): string {
  const full = formatDateTime(iso);
  return full === c.none || full === iso ? full : full.slice(11);
}

/** Duration of a run or a wave: until `endedAt`, or until now while it goes on. */
export function elapsedMinutes(startedAt: string | null, endedAt: string | null, now: Date): number | null {
  if (!startedAt) return null;
  return minutesBetween(startedAt, endedAt ?? now.toISOString());
}

/** "pit-… (2026-12-01 02:50:00Z)": the recovery snapshot a server launches from, with when it was taken. */
export function formatSnapshot(server: {
  recoverySnapshotId?: string | null;
  snapshotTakenAt?: string | null;
}): string {
  if (!server.recoverySnapshotId) return c.none;
  return `${server.recoverySnapshotId} (${formatDateTime(server.snapshotTakenAt)})`;
}
