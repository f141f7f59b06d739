import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { TargetAccount, TargetAccountInput } from '../types';
import { itemPath, useAllPages, useDeleteItem } from './resource';

const path = '/accounts';

export const useAccounts = () => useAllPages<TargetAccount>(path, queryKeys.accounts);

/** Registers a target account (POST), or replaces one (PUT, naming the version read). */
export function useSaveAccount() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ input, version }: { input: TargetAccountInput; version?: number }) =>
      version === undefined
        ? api.request<TargetAccount>(path, { method: 'POST', body: input })
        : api.request<TargetAccount>(itemPath(path, input.accountId), {
            method: 'PUT',
            body: input,
            query: { version },
          }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.accounts }),
  });
}

export const useDeleteAccount = () => useDeleteItem(path, queryKeys.accounts);
