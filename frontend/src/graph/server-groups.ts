import type { ExecutionServer, ExecutionWave, WaveStatus } from '../api/types';
import { strings } from '../strings';

/**
 * Where a server of a run stands, coarse enough to count: the live graph and the timeline show a wave's servers as
 * counts per group, never one row per server.
 */
export type ServerGroup = 'HEALTHY' | 'LAUNCHED' | 'IN_FLIGHT' | 'NOT_STARTED' | 'FAILED';

/** Display order: done first, then going on, then waiting, then failed. */
export const SERVER_GROUPS: readonly ServerGroup[] = ['HEALTHY', 'LAUNCHED', 'IN_FLIGHT', 'NOT_STARTED', 'FAILED'];

export type ServerCounts = Record<ServerGroup, number>;

export function serverGroup(server: Pick<ExecutionServer, 'launchStatus' | 'health'>): ServerGroup {
  switch (server.launchStatus) {
    case null:
    case undefined:
      return 'NOT_STARTED';
    case 'PENDING':
    case 'IN_PROGRESS':
      return 'IN_FLIGHT';
    case 'LAUNCHED':
      if (server.health === 'HEALTHY') return 'HEALTHY';
      return server.health === 'UNHEALTHY' ? 'FAILED' : 'LAUNCHED';
    default:
      return 'FAILED';
  }
}

export function countServers(servers: readonly Pick<ExecutionServer, 'launchStatus' | 'health'>[]): ServerCounts {
  const counts: ServerCounts = { HEALTHY: 0, LAUNCHED: 0, IN_FLIGHT: 0, NOT_STARTED: 0, FAILED: 0 };
  for (const server of servers) counts[serverGroup(server)] += 1;
  return counts;
}

/** A wave's counts as the API keeps them (`serverCounts`: by launch status and health verdict). */
export type WaveServerCounts = NonNullable<ExecutionWave['serverCounts']>;

/**
 * The groups from a wave's `serverCounts`, with no server read: the same grouping as `serverGroup` (a launched server
 * counts as healthy or failed once its health gate judged it).
 */
export function groupsFromCounts(counts: WaveServerCounts): ServerCounts {
  const launch = (status: string) => counts.launch[status] ?? 0;
  const healthy = counts.health['HEALTHY'] ?? 0;
  const unhealthy = counts.health['UNHEALTHY'] ?? 0;
  const started = Object.values(counts.launch).reduce((sum, n) => sum + n, 0);
  return {
    HEALTHY: healthy,
    LAUNCHED: Math.max(0, launch('LAUNCHED') - healthy - unhealthy),
    IN_FLIGHT: launch('PENDING') + launch('IN_PROGRESS'),
    NOT_STARTED: Math.max(0, counts.total - started),
    FAILED: launch('FAILED') + launch('TERMINATED') + unhealthy,
  };
}

/** A wave's groups: from its servers when the answer carries them, else from its `serverCounts` (the summary view). */
export function waveGroups(wave: Pick<ExecutionWave, 'servers' | 'serverCounts'>): ServerCounts {
  if (wave.servers.length > 0 || wave.serverCounts === undefined) return countServers(wave.servers);
  return groupsFromCounts(wave.serverCounts);
}

/** How many servers a wave has: its `serverCounts` total, or its servers when counts are absent. */
export function waveTotal(wave: Pick<ExecutionWave, 'servers' | 'serverCounts'>): number {
  return wave.serverCounts?.total ?? wave.servers.length;
}

/** The non-empty groups, in display order, as `[group, count]`. */
export function presentGroups(counts: ServerCounts): [ServerGroup, number][] {
  return SERVER_GROUPS.filter(g => counts[g] > 0).map(g => [g, counts[g]]);
}

/** The wave status whose colour a group is drawn in. */
export const GROUP_COLOUR_STATUS: Record<ServerGroup, WaveStatus> = {
  HEALTHY: 'COMPLETED',
  LAUNCHED: 'COMPLETED',
  IN_FLIGHT: 'LAUNCHING',
  NOT_STARTED: 'PENDING',
  FAILED: 'FAILED',
};

/** "80 healthy · 15 in flight · 5 failed": the non-empty groups; empty when the wave has no servers. */
export function countsText(counts: ServerCounts): string {
  return presentGroups(counts)
    .map(([group, count]) => `${count} ${strings.executions.serverGroups[group]}`)
    .join(' · ');
}
