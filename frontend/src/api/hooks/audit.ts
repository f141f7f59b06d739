import { useInfiniteQuery } from '@tanstack/react-query';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { AuditEntry, Page } from '../types';

export function useAudit() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.audit,
    queryFn: ({ pageParam }) => api.request<Page<AuditEntry>>('/audit', { query: { nextToken: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: lastPage => lastPage.nextToken ?? undefined,
  });
}
