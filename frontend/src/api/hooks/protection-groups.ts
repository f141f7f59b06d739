import { queryKeys } from '../query-keys';
import type { ProtectionGroup, ProtectionGroupInput, SourceServer } from '../types';
import { itemPath, maybeItemPath, useAllPages, useDeleteItem, useItem, useSaveItem } from './resource';

const path = '/protection-groups';
const keys = queryKeys.protectionGroups;

export const useProtectionGroups = () => useAllPages<ProtectionGroup>(path, keys.list());

export const useProtectionGroup = (id: string | undefined) =>
  useItem<ProtectionGroup>(maybeItemPath(path, id), keys.detail(id ?? ''));

/** The servers a group resolves to (its explicit servers plus what its tag selector matches). */
export const useProtectionGroupServers = (id: string | undefined) =>
  useAllPages<SourceServer>(`${itemPath(path, id ?? '')}/servers`, keys.servers(id ?? ''), id !== undefined);

export const useSaveProtectionGroup = () => useSaveItem<ProtectionGroupInput, ProtectionGroup>(path, keys.all);

export const useDeleteProtectionGroup = () => useDeleteItem(path, keys.all);
