import { describe, expect, it } from 'vitest';
import type { ExecutionReport } from '../../api/types';
import { csvField, reportFileName, reportToCsv } from './export';

const report: ExecutionReport = {
  executionId: 'ex-1',
  planId: 'rp-1',
  planName: 'shop, "dr"',
  mode: 'DRILL',
  status: 'COMPLETED',
  startedAt: '2026-01-01T10:00:00Z',
  endedAt: '2026-01-01T10:50:00Z',
  rtoTargetMinutes: 45,
  measuredRtoMinutes: 50,
  waves: [
    {
      waveId: 'db',
      name: 'Databases',
      status: 'COMPLETED',
      plannedStartMinute: 0,
      plannedDurationMinutes: 30,
      startedAt: '2026-01-01T10:02:00Z',
      endedAt: '2026-01-01T10:37:30Z',
      servers: [
        { sourceServerId: 's-1', launchStatus: 'LAUNCHED', health: 'HEALTHY', startedAt: '2026-01-01T10:02:00Z', endedAt: '2026-01-01T10:20:00Z' },
      ],
    },
    {
      waveId: 'app',
      name: '=cmd()',
      status: 'SKIPPED',
      plannedStartMinute: 30,
      plannedDurationMinutes: 15,
      startedAt: null,
      endedAt: null,
      servers: [],
    },
  ],
};

describe('report CSV export', () => {
  it('test_writes_run_wave_and_server_rows_with_planned_against_actual', () => {
    const lines = reportToCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'level,waveId,waveName,sourceServerId,status,plannedStartMinute,plannedDurationMinutes,actualStartMinute,actualDurationMinutes,deviationMinutes',
    );
    // The run row: RTO target as the planned duration, measured RTO as the actual one, 5 minutes over
    expect(lines[1]).toBe('run,,"shop, ""dr""",,COMPLETED,0,45,0,50,5');
    // The wave started 2 min late, took 35.5 min, so ended 7.5 min after its planned end (30)
    expect(lines[2]).toBe('wave,db,Databases,,COMPLETED,0,30,2,35.5,7.5');
    expect(lines[3]).toBe('server,db,Databases,s-1,LAUNCHED,,,2,18,');
    // A wave that never ran has no actual values; its formula-like name is made inert
    expect(lines[4]).toBe("wave,app,'=cmd(),,SKIPPED,30,15,,,");
    expect(lines).toHaveLength(5);
  });

  it('test_quotes_fields_with_separators_and_neutralises_formulas', () => {
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
  });

  it('test_leaves_the_run_deviation_empty_when_rto_was_not_measured', () => {
    const lines = reportToCsv({ ...report, measuredRtoMinutes: null, waves: [] }).trimEnd().split('\r\n');
    expect(lines[1]).toBe('run,,"shop, ""dr""",,COMPLETED,0,45,0,,');
  });

  it('test_names_export_files_after_plan_and_execution', () => {
    expect(reportFileName(report, 'csv')).toBe('shop-dr-ex-1.csv');
  });
});
