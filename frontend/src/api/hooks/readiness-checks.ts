import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../context';
import type { components } from '../schema';
import type { ExecutionMode } from '../types';
import { itemPath } from './resource';

type Schemas = components['schemas'];
export type ReadinessCheck = Schemas['ReadinessCheckView'];
export type ReadinessCheckStatus = ReadinessCheck['status'];
export type ReadinessProgress = Schemas['ReadinessProgress'];

/** How often a running check is read again. */
export const READINESS_POLL_MS = 2000;

/** refetchInterval for a readiness check: poll while it runs, stop once it has ended. */
export function readinessPollInterval(status: ReadinessCheckStatus | undefined): number | false {
  return status === undefined || status === 'RUNNING' ? READINESS_POLL_MS : false;
}

/** Servers checked so far, as a percentage (0 for an empty plan still starting). */
export function progressPercent(progress: ReadinessProgress): number {
  if (progress.totalServers === 0) return 0;
  return Math.floor((100 * progress.checkedServers) / progress.totalServers);
}

const checksPath = (planId: string) => `${itemPath('/recovery-plans', planId)}/readiness-checks`;

/**
 * The plan's readiness check: `start(mode)` asks for one (a small plan is answered at once, a large one
 * comes back RUNNING), then the check is read every READINESS_POLL_MS until it is COMPLETED or FAILED.
 * `check` is its latest state.
 */
export function useReadinessCheck(planId: string | undefined) {
  const api = useApi();
  const [started, setStarted] = useState<ReadinessCheck | undefined>(undefined);
  const start = useMutation({
    mutationFn: ({ id, mode }: { id: string; mode: ExecutionMode }) =>
      api.request<ReadinessCheck>(checksPath(id), { method: 'POST', query: { mode } }),
    onMutate: () => setStarted(undefined),
    onSuccess: setStarted,
  });
  const running = started?.status === 'RUNNING' ? started : undefined;
  const polled = useQuery({
    queryKey: ['recovery-plans', 'detail', running?.planId ?? '', 'readiness-checks', running?.id ?? ''],
    queryFn: () => api.request<ReadinessCheck>(`${checksPath(running?.planId ?? '')}/${running?.id ?? ''}`),
    enabled: running !== undefined,
    refetchInterval: query => readinessPollInterval(query.state.data?.status),
  });
  const check = running && polled.data ? polled.data : started;
  return {
    check,
    error: start.error ?? (running ? polled.error : null),
    loading: start.isPending || check?.status === 'RUNNING',
    run: (mode: ExecutionMode) => {
      if (planId !== undefined) start.mutate({ id: planId, mode });
    },
  };
}
