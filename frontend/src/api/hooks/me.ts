import { useQuery } from '@tanstack/react-query';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { Me } from '../types';

export function useMe() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.me, queryFn: () => api.request<Me>('/me'), staleTime: 5 * 60_000 });
}
