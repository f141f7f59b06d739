import { describe, expect, it } from 'vitest';
import { server } from '../test/fixtures';
import { countServers, countsText, groupsFromCounts, serverGroup, waveGroups } from './server-groups';
import { wave } from '../test/fixtures';

describe('server groups', () => {
  it('test_places_each_server_in_one_group_by_launch_status_and_health', () => {
    expect(serverGroup(server({ launchStatus: null }))).toBe('NOT_STARTED');
    expect(serverGroup(server({ launchStatus: 'PENDING' }))).toBe('IN_FLIGHT');
    expect(serverGroup(server({ launchStatus: 'IN_PROGRESS' }))).toBe('IN_FLIGHT');
    expect(serverGroup(server({ launchStatus: 'LAUNCHED' }))).toBe('LAUNCHED');
    expect(serverGroup(server({ launchStatus: 'LAUNCHED', health: 'UNKNOWN' }))).toBe('LAUNCHED');
    expect(serverGroup(server({ launchStatus: 'LAUNCHED', health: 'HEALTHY' }))).toBe('HEALTHY');
    expect(serverGroup(server({ launchStatus: 'LAUNCHED', health: 'UNHEALTHY' }))).toBe('FAILED');
    expect(serverGroup(server({ launchStatus: 'FAILED' }))).toBe('FAILED');
    expect(serverGroup(server({ launchStatus: 'TERMINATED' }))).toBe('FAILED');
  });

  it('test_counts_a_waves_servers_and_names_only_the_groups_it_has_when_summarised', () => {
    const servers = [
      ...Array.from({ length: 80 }, () => server({ launchStatus: 'LAUNCHED', health: 'HEALTHY' })),
      ...Array.from({ length: 15 }, () => server({ launchStatus: 'IN_PROGRESS' })),
      ...Array.from({ length: 5 }, () => server({ launchStatus: 'FAILED' })),
    ];
    const counts = countServers(servers);
    expect(counts).toEqual({ HEALTHY: 80, LAUNCHED: 0, IN_FLIGHT: 15, NOT_STARTED: 0, FAILED: 5 });
    expect(countsText(counts)).toBe('80 healthy · 15 in flight · 5 failed');
    expect(countsText(countServers([]))).toBe('');
  });

  it('test_groups_a_waves_counts_as_it_groups_its_servers_when_the_summary_has_no_server', () => {
    const counts = {
      total: 1000,
      waiting: 100,
      launch: { LAUNCHED: 700, PENDING: 50, IN_PROGRESS: 100, FAILED: 20, TERMINATED: 5 },
      health: { HEALTHY: 600, UNHEALTHY: 30, UNKNOWN: 10 },
      failed: 55,
      critical: 0,
      criticalRecovered: 0,
    };
    expect(groupsFromCounts(counts)).toEqual({
      HEALTHY: 600,
      LAUNCHED: 70,
      IN_FLIGHT: 150,
      NOT_STARTED: 125,
      FAILED: 55,
    });
    expect(waveGroups(wave({ servers: [], serverCounts: counts }))).toEqual(groupsFromCounts(counts));
    const listed = wave({ servers: [server({ launchStatus: 'PENDING' })], serverCounts: counts });
    expect(waveGroups(listed)).toEqual({ HEALTHY: 0, LAUNCHED: 0, IN_FLIGHT: 1, NOT_STARTED: 0, FAILED: 0 });
  });
});
