import type { SourceServerQuery } from './types';

// Every query key in one place, so invalidation after a mutation reaches exactly the right caches.
export const queryKeys = {
  me: ['me'] as const,
  protectionGroups: {
    all: ['protection-groups'] as const,
    list: () => ['protection-groups', 'list'] as const,
    detail: (id: string) => ['protection-groups', 'detail', id] as const,
    servers: (id: string) => ['protection-groups', 'detail', id, 'servers'] as const,
  },
  recoveryPlans: {
    all: ['recovery-plans'] as const,
    list: () => ['recovery-plans', 'list'] as const,
    detail: (id: string) => ['recovery-plans', 'detail', id] as const,
    snapshots: (id: string, pointInTime: string) => ['recovery-plans', 'detail', id, 'snapshots', pointInTime] as const,
    schedules: (id: string) => ['recovery-plans', 'detail', id, 'schedules'] as const,
  },
  executions: {
    all: ['executions'] as const,
    list: () => ['executions', 'list'] as const,
    detail: (id: string) => ['executions', 'detail', id] as const,
    events: (id: string) => ['executions', 'detail', id, 'events'] as const,
    report: (id: string) => ['executions', 'detail', id, 'report'] as const,
  },
  sourceServers: (query: SourceServerQuery) => ['drs', 'source-servers', normaliseServerQuery(query)] as const,
  accounts: ['accounts'] as const,
  readiness: ['readiness'] as const,
  audit: ['audit'] as const,
};

/** A stable shape for a server query: no empty values, tag keys sorted. */
export function normaliseServerQuery(query: SourceServerQuery): SourceServerQuery {
  const out: SourceServerQuery = {};
  if (query.accountId) out.accountId = query.accountId;
  if (query.region) out.region = query.region;
  const tags = Object.entries(query.tags ?? {})
    .filter(([key]) => key !== '')
    .sort(([a], [b]) => a.localeCompare(b));
  if (tags.length > 0) out.tags = Object.fromEntries(tags);
  const search = query.search?.trim();
  if (search) out.search = search;
  return out;
}

/** The query parameters of GET /drs/source-servers: tag filters as a repeated `tag=Key=Value`, a search. */
export function serverQueryParams(
  query: SourceServerQuery,
  nextToken?: string,
): Record<string, string | string[] | undefined> {
  const normal = normaliseServerQuery(query);
  return {
    accountId: normal.accountId,
    region: normal.region,
    tag: Object.entries(normal.tags ?? {}).map(([key, value]) => `${key}=${value}`),
    search: normal.search,
    nextToken,
  };
}
