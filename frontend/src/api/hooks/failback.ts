import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useLocalRuntime } from '../../local-mode';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { components } from '../schema';
import { readinessPollInterval, type ReadinessCheck } from './readiness-checks';
import { itemPath } from './resource';

type Schemas = components['schemas'];
export type ReprotectResult = Schemas['ReprotectResult'];
export type CleanupResult = Schemas['CleanupResult'];

/** What local mode's demo route answers for each server of the recovery. */
export interface ClientConnection {
  sourceServerId: string;
  recoveryInstanceId: string | null;
  status: 'CONNECTED' | 'ALREADY_CONNECTED' | 'SKIPPED' | 'FAILED';
  message: string;
}

export interface ClientConnections {
  localModeOnly: true;
  message: string;
  items: ClientConnection[];
}

const checksPath = (planId: string) => `${itemPath('/recovery-plans', planId)}/readiness-checks`;

/**
 * The failback readiness of a finished RECOVERY run: `run()` asks for a FAILBACK check of its plan naming the
 * run, then reads it again until it has ended (a large plan is answered RUNNING first).
 */
export function useFailbackReadiness(planId: string, sourceExecutionId: string) {
  const api = useApi();
  const [started, setStarted] = useState<ReadinessCheck | undefined>(undefined);
  const start = useMutation({
    mutationFn: () =>
      api.request<ReadinessCheck>(checksPath(planId), {
        method: 'POST',
        query: { mode: 'FAILBACK', sourceExecutionId },
      }),
    onMutate: () => setStarted(undefined),
    onSuccess: setStarted,
  });
  const running = started?.status === 'RUNNING' ? started : undefined;
  const polled = useQuery({
    queryKey: ['recovery-plans', 'detail', planId, 'readiness-checks', running?.id ?? ''],
    queryFn: () => api.request<ReadinessCheck>(`${checksPath(planId)}/${running?.id ?? ''}`),
    enabled: running !== undefined,
    refetchInterval: query => readinessPollInterval(query.state.data?.status),
  });
  const check = running && polled.data ? polled.data : started;
  const { mutate } = start;
  const run = useCallback(() => mutate(), [mutate]);
  return {
    check,
    error: start.error ?? (running ? polled.error : null),
    loading: start.isPending || check?.status === 'RUNNING',
    run,
  };
}

interface ServerResults<T> {
  items: T[];
}

/** One operator action on a finished FAILBACK run that answers per server (re-protect, the clean-up). */
function useFailbackOperation<T>(executionId: string, operation: 'reprotect' | 'failback-cleanup') {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const answer = await api.request<ServerResults<T>>(`${itemPath('/executions', executionId)}/${operation}`, {
        method: 'POST',
      });
      return answer.items;
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.executions.events(executionId) }),
  });
}

/** POST /executions/{id}/reprotect: replication in the original direction again, per server. */
export const useReprotect = (executionId: string) => useFailbackOperation<ReprotectResult>(executionId, 'reprotect');

/** POST /executions/{id}/failback-cleanup: StopFailback and disconnect each recovery instance, per server. */
export const useFailbackCleanup = (executionId: string) =>
  useFailbackOperation<CleanupResult>(executionId, 'failback-cleanup');

/**
 * Local mode only: have the local runtime connect the failback clients of a recovery's on-premises servers, as
 * booting the DRS Failback Client on each origin machine does on AWS. Undefined `connect` on AWS.
 */
export function useConnectFailbackClients(executionId: string) {
  const local = useLocalRuntime();
  const mutation = useMutation({
    mutationFn: () => {
      if (local === null) throw new Error('connecting failback clients exists only in local mode');
      return local.request<ClientConnections>(
        `/local/executions/${encodeURIComponent(executionId)}/connect-failback-clients`,
        { method: 'POST' },
      );
    },
  });
  return { available: local !== null, ...mutation };
}
