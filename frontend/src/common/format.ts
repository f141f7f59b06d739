// Time and duration formatting. "now" is always passed in, so every function here is pure.

export function minutesBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 60_000;
}

export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes * 10) / 10;
  if (Math.abs(rounded) < 60) return `${rounded} min`;
  const hours = Math.floor(Math.abs(rounded) / 60);
  const rest = Math.round(Math.abs(rounded) % 60);
  return `${rounded < 0 ? '-' : ''}${hours} h ${rest} min`;
}

/** "3 d", "5 h", "12 min", "now": how long ago `iso` was. */
export function formatAge(iso: string, now: Date): string {
  const minutes = Math.max(0, (now.getTime() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return `${Math.floor(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / (24 * 60))} d`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

/** Duration of a run or a wave: until `endedAt`, or until now while it goes on. */
export function elapsedMinutes(startedAt: string | null, endedAt: string | null, now: Date): number | null {
  if (!startedAt) return null;
  return minutesBetween(startedAt, endedAt ?? now.toISOString());
}
