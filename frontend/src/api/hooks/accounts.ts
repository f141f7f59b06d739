import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { TargetAccount } from '../types';
import { useAllPages, useDeleteItem } from './resource';

const path = '/accounts';

export const useAccounts = () => useAllPages<TargetAccount>(path, queryKeys.accounts);

/** Registers (or re-registers) a target account; accounts are keyed by their account id. */
export function useSaveAccount() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (account: TargetAccount) => api.request<TargetAccount>(path, { method: 'POST', body: account }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.accounts }),
  });
}

export const useDeleteAccount = () => useDeleteItem(path, queryKeys.accounts);
