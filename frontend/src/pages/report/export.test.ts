import { describe, expect, it } from 'vitest';
import type { ExecutionReport, ReportServer } from '../../api/types';
import { execution, rto, server, wave } from '../../test/fixtures';
import { reportFileName } from './export';
import { plannedSchedule, reportPlannedSchedule } from './model';

const row = (over: Partial<ReportServer>): ReportServer => ({
  sourceServerId: 's-1',
  waveId: 'db',
  waveName: 'Databases',
  waveStatus: 'COMPLETED',
  waveTimeoutMinutes: 30,
  plannedStartMinutes: 0,
  plannedEndMinutes: 30,
  actualStartMinutes: 2,
  actualEndMinutes: 37.5,
  impact: 'CRITICAL',
  jobId: 'drsjob-1',
  launchStatus: 'LAUNCHED',
  launchedAt: '2026-01-01T10:15:00Z',
  secondsToLaunch: 780,
  health: 'HEALTHY',
  healthyAt: '2026-01-01T10:20:00Z',
  recoveryInstanceId: 'i-1',
  error: null,
  phaseSeconds: { snapshot: 30 },
  healthEvidence: {},
  ...over,
});

const report: ExecutionReport = {
  rtoTargetMinutes: 45,
  waves: [],
  execution: execution({
    planName: 'shop, "dr"',
    status: 'PARTIAL',
    endedAt: '2026-01-01T10:50:00Z',
    rto: rto({ targetMinutes: 45, measuredSeconds: 3000, met: false }),
    waves: [
      wave({
        id: 'db',
        name: 'Databases',
        status: 'COMPLETED',
        startedAt: '2026-01-01T10:02:00Z',
        endedAt: '2026-01-01T10:37:30Z',
        servers: [server()],
      }),
      wave({ id: 'app', name: '=cmd()', status: 'SKIPPED', reason: 'dependency failed' }),
    ],
  }),
  servers: [
    row({}),
    row({
      sourceServerId: 's-2',
      impact: 'OPTIONAL',
      launchStatus: 'FAILED',
      launchedAt: null,
      healthyAt: null,
      health: null,
      error: 'LAUNCH_FAILED',
    }),
  ],
};

describe('report export', () => {
  it('test_names_export_files_after_plan_and_execution', () => {
    expect(reportFileName(report, 'csv')).toBe('shop-dr-ex-1.csv');
  });
});

describe('planned schedule', () => {
  it('test_takes_the_api_planned_windows_and_leaves_out_waves_it_could_not_place', () => {
    const windows = { startedAt: null, endedAt: null, actualStartMinutes: null, actualEndMinutes: null };
    const base = { waveName: 'W', waveStatus: 'PENDING', timeoutMinutes: 20, deviationMinutes: null, ...windows };
    const schedule = reportPlannedSchedule({
      waves: [
        { ...base, waveId: 'db', plannedStartMinutes: 0, plannedEndMinutes: 20 },
        { ...base, waveId: 'web', plannedStartMinutes: 20, plannedEndMinutes: 40 },
        { ...base, waveId: 'gone', plannedStartMinutes: null, plannedEndMinutes: null },
      ],
    });
    expect(Object.fromEntries(schedule)).toEqual({ db: { start: 0, end: 20 }, web: { start: 20, end: 40 } });
  });

  it('test_starts_each_wave_when_its_latest_dependency_is_due_to_end', () => {
    const schedule = plannedSchedule([
      {
        id: 'web',
        dependsOn: [
          { waveId: 'app', condition: 'LAUNCHED' },
          { waveId: 'cache', condition: 'HEALTHY' },
        ],
        timeoutMinutes: 5,
      },
      { id: 'net', dependsOn: [], timeoutMinutes: 10 },
      { id: 'app', dependsOn: [{ waveId: 'net', condition: 'HEALTHY' }], timeoutMinutes: 20 },
      { id: 'cache', dependsOn: [{ waveId: 'net', condition: 'HEALTHY' }], timeoutMinutes: 40 },
    ]);
    expect(Object.fromEntries(schedule)).toEqual({
      net: { start: 0, end: 10 },
      app: { start: 10, end: 30 },
      cache: { start: 10, end: 50 },
      web: { start: 50, end: 55 },
    });
  });

  it('test_leaves_out_waves_caught_in_a_cycle', () => {
    const schedule = plannedSchedule([
      { id: 'a', dependsOn: [{ waveId: 'b', condition: 'HEALTHY' }], timeoutMinutes: 5 },
      { id: 'b', dependsOn: [{ waveId: 'a', condition: 'HEALTHY' }], timeoutMinutes: 5 },
      { id: 'c', dependsOn: [], timeoutMinutes: 5 },
    ]);
    expect([...schedule.keys()]).toEqual(['c']);
  });
});
