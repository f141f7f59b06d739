import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { Schedule, ScheduleInput } from '../types';
import { itemPath, useAllPages } from './resource';

const schedulesPath = (planId: string) => `${itemPath('/recovery-plans', planId)}/schedules`;

/** The plan's drill schedules, each with its next run and last result. */
export const useSchedules = (planId: string) =>
  useAllPages<Schedule>(schedulesPath(planId), queryKeys.recoveryPlans.schedules(planId));

/** Create (no id) or replace (id and the version read) one of the plan's schedules. */
export function useSaveSchedule(planId: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input, version }: { id?: string; input: ScheduleInput; version?: number }) =>
      id === undefined
        ? api.request<Schedule>(schedulesPath(planId), { method: 'POST', body: input })
        : api.request<Schedule>(itemPath(schedulesPath(planId), id), { method: 'PUT', body: { ...input, version } }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.recoveryPlans.schedules(planId) }),
  });
}

export function useDeleteSchedule(planId: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) =>
      api.request<void>(itemPath(schedulesPath(planId), id), { method: 'DELETE', query: { version } }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.recoveryPlans.schedules(planId) }),
  });
}
