import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApi } from '../context';
import { fetchAllPages } from '../paging';
import { queryKeys, serverQueryParams } from '../query-keys';
import type { Page, SourceServer, SourceServerQuery } from '../types';

const path = '/drs/source-servers';

/** The DRS inventory, one API page at a time (it can hold thousands of servers). */
export function useSourceServers(query: SourceServerQuery, enabled = true) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.sourceServers(query),
    queryFn: ({ pageParam }) => api.request<Page<SourceServer>>(path, { query: serverQueryParams(query, pageParam) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: lastPage => lastPage.nextToken ?? undefined,
    enabled,
  });
}

/** The whole DRS inventory (every page), for the dashboard's counts. */
export function useWholeInventory() {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.sourceServers({}), 'all'],
    queryFn: () =>
      fetchAllPages(nextToken => api.request<Page<SourceServer>>(path, { query: serverQueryParams({}, nextToken) })),
    staleTime: 60_000,
  });
}
