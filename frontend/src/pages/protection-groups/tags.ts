import type { TagSelector } from '../../api/types';

export interface TagRow {
  key: string;
  values: string;
}

export function formatTagSelector(selector: TagSelector | null | undefined): string {
  return Object.entries(selector ?? {})
    .map(([key, values]) => `${key}=${values.join('|')}`)
    .join(', ');
}

export function selectorToRows(selector: TagSelector): TagRow[] {
  return Object.entries(selector).map(([key, values]) => ({ key, values: values.join(', ') }));
}

/** Editor rows to a selector: blank keys dropped, values split on commas and trimmed, empty values dropped. */
export function rowsToSelector(rows: readonly TagRow[]): TagSelector {
  const selector: TagSelector = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '') continue;
    const values = row.values
      .split(',')
      .map(v => v.trim())
      .filter(v => v !== '');
    if (values.length > 0) selector[key] = [...new Set([...(selector[key] ?? []), ...values])];
  }
  return selector;
}

/** The keys that accept a single value, as exact filters the API can apply. */
export function exactTags(selector: TagSelector): Record<string, string> {
  return Object.fromEntries(
    Object.entries(selector).flatMap(([key, values]) => (values.length === 1 ? [[key, values[0] as string]] : [])),
  );
}

/** Whether a server's tags satisfy the selector: every key present with one of its values. */
export function matchesSelector(tags: Record<string, string>, selector: TagSelector): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, values]) => tags[key] !== undefined && values.includes(tags[key]));
}
