import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/context';
import { livePollInterval } from '../../api/hooks/executions';
import { itemPath } from '../../api/hooks/resource';
import { fetchAllPages } from '../../api/paging';
import { queryKeys } from '../../api/query-keys';
import type { ExecutionEvent, ExecutionStatus, Page } from '../../api/types';

/** One page of GET /executions/{id}/events: after the event `after`, continued by `nextToken`. */
export type EventPageFetcher = (query: { after?: string; nextToken?: string }) => Promise<Page<ExecutionEvent>>;

const byEventId = (a: ExecutionEvent, b: ExecutionEvent) =>
  a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;

/**
 * The events held, with the fresh ones merged in by `eventId` (the API sends the last moments' events again, and
 * a late one may sort before events already held), oldest first. The held list itself when nothing is new.
 */
export function mergeEvents(held: readonly ExecutionEvent[], fresh: readonly ExecutionEvent[]): ExecutionEvent[] {
  const known = new Set(held.map(e => e.eventId));
  const added = fresh.filter(e => !known.has(e.eventId));
  if (added.length === 0) return held as ExecutionEvent[];
  return [...held, ...added].sort(byEventId);
}

/**
 * The run's events: the whole timeline on the first call, then only what came after the newest event held (the
 * `after` cursor), merged into what is held. Each poll costs what changed, not the length of the run.
 */
export async function fetchNewEvents(
  fetchPage: EventPageFetcher,
  held: readonly ExecutionEvent[],
): Promise<ExecutionEvent[]> {
  const after = held.length > 0 ? held[held.length - 1]?.eventId : undefined;
  const fresh = await fetchAllPages(nextToken => fetchPage({ after, nextToken }));
  return after === undefined ? [...fresh].sort(byEventId) : mergeEvents(held, fresh);
}

/** The largest page the API serves: the first load of a long run takes the fewest calls. */
const EVENT_PAGE_SIZE = 100;

export const liveEventsKey = (id: string) => [...queryKeys.executions.events(id), 'live'] as const;

/** The live view's events: polled while the run is active, each poll asking only for what is new. */
export function useLiveEvents(id: string | undefined, status: ExecutionStatus | undefined) {
  const api = useApi();
  const client = useQueryClient();
  const key = liveEventsKey(id ?? '');
  return useQuery({
    queryKey: key,
    queryFn: () =>
      fetchNewEvents(
        query =>
          api.request<Page<ExecutionEvent>>(`${itemPath('/executions', id ?? '')}/events`, {
            query: { ...query, limit: EVENT_PAGE_SIZE },
          }),
        client.getQueryData<ExecutionEvent[]>(key) ?? [],
      ),
    enabled: id !== undefined,
    refetchInterval: livePollInterval(status),
  });
}
