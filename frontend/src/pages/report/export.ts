import type { ExecutionReport, ReportWave } from '../../api/types';
import { minutesBetween } from '../../common/format';

const HEADER = [
  'level',
  'waveId',
  'waveName',
  'sourceServerId',
  'status',
  'plannedStartMinute',
  'plannedDurationMinutes',
  'actualStartMinute',
  'actualDurationMinutes',
  'deviationMinutes',
] as const;

type Cell = string | number | null;

/** One CSV field (RFC 4180), with text that a spreadsheet would run as a formula made inert. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function offset(origin: string, iso: string | null): number | null {
  return iso ? minutesBetween(origin, iso) : null;
}

function duration(start: string | null, end: string | null): number | null {
  return start && end ? minutesBetween(start, end) : null;
}

export interface WaveTimings {
  actualStart: number | null;
  actualDuration: number | null;
  /** How many minutes after its planned end the wave ended (negative: early). */
  deviation: number | null;
}

/** A wave's actual timings in minutes from the start of the run, against its plan. */
export function waveTimings(report: Pick<ExecutionReport, 'startedAt'>, wave: ReportWave): WaveTimings {
  const actualStart = offset(report.startedAt, wave.startedAt);
  const actualDuration = duration(wave.startedAt, wave.endedAt);
  const plannedEnd = wave.plannedStartMinute + wave.plannedDurationMinutes;
  return {
    actualStart,
    actualDuration,
    deviation: actualStart !== null && actualDuration !== null ? actualStart + actualDuration - plannedEnd : null,
  };
}

/**
 * The report as CSV: a `run` row (planned = RTO target, actual = measured RTO), then each wave (planned against
 * actual, with the deviation of its end) followed by its servers.
 */
export function reportToCsv(report: ExecutionReport): string {
  const rows: Cell[][] = [
    [
      'run',
      null,
      report.planName,
      null,
      report.status,
      0,
      report.rtoTargetMinutes,
      0,
      report.measuredRtoMinutes,
      report.measuredRtoMinutes === null ? null : report.measuredRtoMinutes - report.rtoTargetMinutes,
    ],
  ];
  for (const wave of report.waves) {
    const timings = waveTimings(report, wave);
    rows.push([
      'wave',
      wave.waveId,
      wave.name,
      null,
      wave.status,
      wave.plannedStartMinute,
      wave.plannedDurationMinutes,
      timings.actualStart,
      timings.actualDuration,
      timings.deviation,
    ]);
    for (const server of wave.servers) {
      rows.push([
        'server',
        wave.waveId,
        wave.name,
        server.sourceServerId,
        server.launchStatus,
        null,
        null,
        offset(report.startedAt, server.startedAt),
        duration(server.startedAt, server.endedAt),
        null,
      ]);
    }
  }
  return [HEADER.join(','), ...rows.map(row => row.map(csvField).join(','))].join('\r\n') + '\r\n';
}

export function reportFileName(report: ExecutionReport, extension: 'csv' | 'json'): string {
  const safe = report.planName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe}-${report.executionId}.${extension}`;
}

/** Saves text as a file through a temporary object URL. */
export function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  URL.revokeObjectURL(url);
}
