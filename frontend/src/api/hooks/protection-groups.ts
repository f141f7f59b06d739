import { useQueries } from '@tanstack/react-query';
import { useApi } from '../context';
import { fetchAllPages } from '../paging';
import { queryKeys } from '../query-keys';
import type { GroupServer, Page, ProtectionGroup, ProtectionGroupInput } from '../types';
import { itemPath, maybeItemPath, useAllPages, useDeleteItem, useItem, useSaveItem } from './resource';

const path = '/protection-groups';
const keys = queryKeys.protectionGroups;

export const useProtectionGroups = () => useAllPages<ProtectionGroup>(path, keys.list());

export const useProtectionGroup = (id: string | undefined) =>
  useItem<ProtectionGroup>(maybeItemPath(path, id), keys.detail(id ?? ''));

/** The servers a group resolves to (its explicit servers plus what its tag selector matches). */
export const useProtectionGroupServers = (id: string | undefined) =>
  useAllPages<GroupServer>(`${itemPath(path, id ?? '')}/servers`, keys.servers(id ?? ''), id !== undefined);

export const useSaveProtectionGroup = () => useSaveItem<ProtectionGroupInput, ProtectionGroup>(path, keys.all);

export const useDeleteProtectionGroup = () => useDeleteItem(path, keys.all);

/** The resolved servers of several groups at once (the dashboard's readiness counts). */
export function useServersOfGroups(ids: readonly string[]) {
  const api = useApi();
  return useQueries({
    queries: ids.map(id => ({
      queryKey: keys.servers(id),
      queryFn: () =>
        fetchAllPages(nextToken =>
          api.request<Page<GroupServer>>(`${itemPath(path, id)}/servers`, { query: { nextToken } }),
        ),
    })),
  });
}
