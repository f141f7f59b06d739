import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useApi } from '../context';
import { fetchAllPages } from '../paging';
import type { Page } from '../types';

// Shared shapes of the CRUD resources (protection groups, recovery plans, accounts).

export function itemPath(collection: string, id: string): string {
  return `${collection}/${encodeURIComponent(id)}`;
}

/** Every item of a list endpoint, following nextToken to the last page. */
export function useAllPages<T>(collection: string, queryKey: QueryKey, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey,
    queryFn: () => fetchAllPages(nextToken => api.request<Page<T>>(collection, { query: { nextToken } })),
    enabled,
  });
}

/** One resource by its URL path; disabled while the path is not known yet. */
export function useItem<T>(url: string | undefined, queryKey: QueryKey) {
  const api = useApi();
  return useQuery({
    queryKey,
    queryFn: () => api.request<T>(url ?? ''),
    enabled: url !== undefined,
  });
}

/** The item path of `id` in `collection`, or undefined while the id is not known. */
export function maybeItemPath(collection: string, id: string | undefined, suffix = ''): string | undefined {
  return id === undefined ? undefined : `${itemPath(collection, id)}${suffix}`;
}

/** Create (POST) without an id, replace (PUT, with the version read) with one; then refresh the resource. */
export function useSaveItem<TInput, T>(collection: string, invalidate: QueryKey) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input, version }: { id?: string; input: TInput; version?: number }) =>
      id === undefined
        ? api.request<T>(collection, { method: 'POST', body: input })
        : api.request<T>(itemPath(collection, id), { method: 'PUT', body: { ...input, version } }),
    onSuccess: () => client.invalidateQueries({ queryKey: invalidate }),
  });
}

/** Delete, naming the version read (the API refuses a stale one with 409). */
export function useDeleteItem(collection: string, invalidate: QueryKey) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      api.request<void>(itemPath(collection, id), { method: 'DELETE', query: { version } }),
    onSuccess: () => client.invalidateQueries({ queryKey: invalidate }),
  });
}
