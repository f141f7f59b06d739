import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../context';
import { queryKeys } from '../query-keys';
import type { components } from '../schema';

type Schemas = components['schemas'];
export type Readiness = Schemas['ReadinessView'];
export type Finding = Schemas['Finding'];
export type FindingCode = Schemas['FindingCode'];
export type FindingSeverity = Schemas['FindingSeverity'];
export type ScanAccepted = Schemas['ScanAccepted'];

/** How often the readiness is read again while a requested scan has not stored its result yet. */
export const SCAN_POLL_MS = 5000;

/** How long a requested scan is waited for: the scan function's timeout, after which it has ended either way. */
export const SCAN_WAIT_MS = 15 * 60_000;

/** Whether `readiness` holds a scan that ran at or after `requestedAt` (the one asked for, or a later one). */
export function scanArrived(readiness: Readiness | undefined, requestedAt: string | undefined): boolean {
  if (requestedAt === undefined) return true;
  const checkedAt = readiness?.checkedAt;
  return checkedAt !== undefined && checkedAt !== null && Date.parse(checkedAt) >= Date.parse(requestedAt);
}

/**
 * The account-wide readiness (the latest stored scan and its history), and `scan()` to ask for a new one: the
 * scan runs outside the request, so the readiness is read every SCAN_POLL_MS until its result is in (for at most
 * SCAN_WAIT_MS: a scan that failed stores nothing, and the last result stays).
 */
export function useReadiness() {
  const api = useApi();
  const [requestedAt, setRequestedAt] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (requestedAt === undefined) return undefined;
    const timer = setTimeout(() => setRequestedAt(undefined), SCAN_WAIT_MS);
    return () => clearTimeout(timer);
  }, [requestedAt]);
  const waiting = (data: Readiness | undefined) => requestedAt !== undefined && !scanArrived(data, requestedAt);
  const readiness = useQuery({
    queryKey: queryKeys.readiness,
    queryFn: () => api.request<Readiness>('/readiness'),
    refetchInterval: query => (waiting(query.state.data) ? SCAN_POLL_MS : false),
  });
  const start = useMutation({
    mutationFn: () => api.request<ScanAccepted>('/readiness/scans', { method: 'POST' }),
    onSuccess: accepted => setRequestedAt(accepted.requestedAt),
  });
  return {
    readiness: readiness.data,
    loading: readiness.isPending,
    error: readiness.error ?? start.error,
    scanning: start.isPending || waiting(readiness.data),
    scan: () => start.mutate(),
  };
}
