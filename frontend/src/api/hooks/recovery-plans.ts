import { useQuery } from '@tanstack/react-query';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { PointInTimeCoverage, RecoveryPlan, RecoveryPlanInput } from '../types';
import { itemPath, maybeItemPath, useAllPages, useDeleteItem, useItem, useSaveItem } from './resource';

const path = '/recovery-plans';
const keys = queryKeys.recoveryPlans;

export const useRecoveryPlans = () => useAllPages<RecoveryPlan>(path, keys.list());

export const useRecoveryPlan = (id: string | undefined) =>
  useItem<RecoveryPlan>(maybeItemPath(path, id), keys.detail(id ?? ''));

export const useSaveRecoveryPlan = () => useSaveItem<RecoveryPlanInput, RecoveryPlan>(path, keys.all);

export const useDeleteRecoveryPlan = () => useDeleteItem(path, keys.all);

/** Which snapshot each server of the plan would launch from at `pointInTime` (none asked while undefined). */
export function usePlanSnapshots(id: string, pointInTime: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: keys.snapshots(id, pointInTime ?? ''),
    queryFn: () =>
      api.request<PointInTimeCoverage>(`${itemPath(path, id)}/snapshots`, {
        query: { pointInTime: pointInTime ?? '' },
      }),
    enabled: pointInTime !== undefined,
  });
}
