import type { Page } from './types';

/**
 * Follows `nextToken` until the last page and returns every item: lists are never silently capped.
 * A token seen twice means a broken server; that is an error rather than an endless loop.
 */
export async function fetchAllPages<T>(fetchPage: (nextToken?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    token = page.nextToken ?? undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error(`pagination token repeated: ${token}`);
      seen.add(token);
    }
  } while (token !== undefined);
  return items;
}
