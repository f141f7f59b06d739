import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../client';
import { useApi } from '../context';
import { fetchAllPages } from '../paging';
import { queryKeys } from '../query-keys';
import type { components } from '../schema';
import type {
  EvidenceLink,
  Execution,
  ExecutionHeader,
  ExecutionReport,
  ExecutionServer,
  ExecutionStarted,
  ExecutionStatus,
  OperatorRequestAccepted,
  Page,
  ReportExport,
  StartExecutionInput,
  TerminationResult,
} from '../types';
import { itemPath, useAllPages } from './resource';

const path = '/executions';

/** How often the live view polls while a run is active. */
export const LIVE_POLL_MS = 3000;

const ACTIVE: ReadonlySet<ExecutionStatus> = new Set([
  'PENDING',
  'RUNNING',
  'PAUSED',
  'WAITING_APPROVAL',
  'CANCELLING',
]);

export function isActive(status: ExecutionStatus | undefined): boolean {
  return status !== undefined && ACTIVE.has(status);
}

/** refetchInterval for a query about an execution: poll while it is active, stop once it has ended. */
export function livePollInterval(status: ExecutionStatus | undefined): number | false {
  return status === undefined || isActive(status) ? LIVE_POLL_MS : false;
}

export const useExecutions = () => useAllPages<ExecutionHeader>(path, queryKeys.executions.list());

export function useExecution(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.executions.detail(id ?? ''),
    queryFn: () => api.request<Execution>(itemPath(path, id ?? '')),
    enabled: id !== undefined,
    refetchInterval: query => livePollInterval(query.state.data?.status),
  });
}

/**
 * The run with each wave's `serverCounts` and no server (`GET /executions/{id}?servers=none`): what the live view
 * polls, its size the same at 40 servers as at 4,000. The servers are read a page at a time (`useExecutionServerPage`).
 */
export function useExecutionSummary(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.executions.detail(id ?? ''), 'summary'],
    queryFn: () => api.request<Execution>(itemPath(path, id ?? ''), { query: { servers: 'none' } }),
    enabled: id !== undefined,
    refetchInterval: query => livePollInterval(query.state.data?.status),
  });
}

/** A launch status, NOT_STARTED, or a health verdict: what the servers listing filters on. */
export type ServerStatusFilter = components['schemas']['ServerStatusFilter'];

/** Which of a run's servers the listing answers; an absent field matches every server. */
export interface ServerQuery {
  waveId?: string;
  status?: ServerStatusFilter;
  accountId?: string;
  region?: string;
}

/** A server of the paged listing, which spans waves and names each server's wave. */
export type WaveServer = ExecutionServer & { waveId: string };

/** Server rows a page of the live view's table. */
export const SERVER_PAGE_SIZE = 50;

/**
 * One page of a run's servers (`GET /executions/{id}/servers`), filtered by the API: the page after `token` (the first
 * without). Polled with the live view while `live`; the previous page stays shown while the next one loads.
 */
export function useExecutionServerPage(id: string, where: ServerQuery, token: string | undefined, live: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: [...queryKeys.executions.detail(id), 'servers', where, token ?? null],
    queryFn: () =>
      api.request<Page<WaveServer>>(`${itemPath(path, id)}/servers`, {
        query: { limit: SERVER_PAGE_SIZE, ...where, nextToken: token },
      }),
    refetchInterval: live ? LIVE_POLL_MS : false,
    placeholderData: keepPreviousData,
  });
}

/** Several executions in full (waves and servers) at once. */
export function useExecutionsById(ids: readonly string[]) {
  const api = useApi();
  return useQueries({
    queries: ids.map(id => ({
      queryKey: queryKeys.executions.detail(id),
      queryFn: () => api.request<Execution>(itemPath(path, id)),
    })),
  });
}

/** Server rows a report page asks for (the API also bounds each page in bytes). */
export const REPORT_PAGE_SIZE = 1000;

/**
 * A run's whole report: the API pages its server rows (a run may have thousands, each with command outputs);
 * this follows `nextToken` to the last page and keeps the summary of the first.
 */
export async function fetchWholeReport(api: ApiClient, id: string): Promise<ExecutionReport> {
  const reportPath = `${itemPath(path, id)}/report`;
  let first: ExecutionReport | undefined;
  const servers = await fetchAllPages(async nextToken => {
    const page = await api.request<ExecutionReport>(reportPath, { query: { limit: REPORT_PAGE_SIZE, nextToken } });
    first ??= page;
    return { items: page.servers, nextToken: page.nextToken ?? undefined };
  });
  if (first === undefined) throw new Error('the report answered no page');
  return { ...first, servers, nextToken: undefined };
}

export function useExecutionReport(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.executions.report(id ?? ''),
    queryFn: () => fetchWholeReport(api, id ?? ''),
    enabled: id !== undefined,
  });
}

/** Writes the report's CSV (every server) to the stack's reports bucket; answers a short-lived download link. */
export function useReportCsvExport(id: string) {
  const api = useApi();
  return useMutation({
    mutationFn: () => api.request<ReportExport>(`${itemPath(path, id)}/report`, { query: { export: 'csv' } }),
  });
}

/** The finished run's evidence pack, produced and kept by the API when first asked for: a short-lived link and its SHA-256. */
export function useEvidencePack(id: string) {
  const api = useApi();
  return useMutation({
    mutationFn: () => api.request<EvidenceLink>(`${itemPath(path, id)}/evidence`, { query: { link: 'true' } }),
  });
}

export function useStartExecution() {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: StartExecutionInput) => api.request<ExecutionStarted>(path, { method: 'POST', body: input }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.executions.all }),
  });
}

export type ExecutionCommand =
  | { kind: 'cancel' | 'pause' | 'resume' | 'terminate-instances' }
  | { kind: 'retry' | 'skip' | 'approve'; waveId: string };

export function commandPath(executionId: string, command: ExecutionCommand): string {
  const base = itemPath(path, executionId);
  switch (command.kind) {
    case 'retry':
    case 'skip':
    case 'approve':
      return `${base}/waves/${encodeURIComponent(command.waveId)}/${command.kind}`;
    default:
      return `${base}/${command.kind}`;
  }
}

export function useExecutionCommand(executionId: string) {
  const api = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (command: ExecutionCommand) =>
      api.request<OperatorRequestAccepted | TerminationResult>(commandPath(executionId, command), { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.executions.detail(executionId) }),
  });
}
