import { useEffect, useState } from 'react';
import { useExecutionServerPage, type ServerQuery, type WaveServer } from '../../api/hooks/executions';

export interface ServerPages {
  items: WaveServer[];
  /** 1-based, like Cloudscape's pagination. */
  pageIndex: number;
  /** The pages known so far: those seen and the one after the last seen, once its token is known. */
  pagesCount: number;
  /** The last known page may be followed by more (Cloudscape's `openEnd`). */
  openEnd: boolean;
  loading: boolean;
  error: unknown;
  setPageIndex: (index: number) => void;
}

interface Paging {
  key: string;
  /** `tokens[i]` opens page `i + 2`: the `nextToken` page `i + 1` answered. */
  tokens: string[];
  page: number;
  /** The last known page answered no `nextToken`. */
  ended: boolean;
}

const start = (key: string): Paging => ({ key, tokens: [], page: 1, ended: false });

/** What a page's answer teaches: the token of the page after it, or that it is the last (later tokens are dropped). */
export function learn(paging: Paging, next: string | undefined): Paging {
  const before = paging.tokens.slice(0, paging.page - 1);
  if (next === undefined) {
    return paging.ended && paging.tokens.length === before.length ? paging : { ...paging, tokens: before, ended: true };
  }
  if (paging.tokens[paging.page - 1] === next) return paging;
  return { ...paging, tokens: [...before, next], ended: false };
}

/**
 * A run's servers a page at a time, filtered by the API: only the page shown is asked for (and polled while the run
 * is live), whatever the run's size. Pages are reached in order through the `nextToken` each answered; changing the
 * filters starts again at page 1.
 */
export function useServerPages(executionId: string, where: ServerQuery, live: boolean): ServerPages {
  const key = JSON.stringify(where);
  const [stored, setPaging] = useState<Paging>(() => start(key));
  const paging = stored.key === key ? stored : start(key);
  if (paging !== stored) setPaging(paging);
  const token = paging.page > 1 ? paging.tokens[paging.page - 2] : undefined;
  const query = useExecutionServerPage(executionId, where, token, live);
  const fresh = query.isPlaceholderData ? undefined : query.data;
  useEffect(() => {
    if (fresh) setPaging(p => (p.key === key ? learn(p, fresh.nextToken ?? undefined) : p));
  }, [fresh, key]);
  return {
    items: query.data?.items ?? [],
    pageIndex: paging.page,
    pagesCount: 1 + paging.tokens.length,
    openEnd: !paging.ended,
    loading: query.isPending || query.isPlaceholderData,
    error: query.error,
    setPageIndex: index => setPaging(p => (index >= 1 && index <= 1 + p.tokens.length ? { ...p, page: index } : p)),
  };
}
