import type { ExecutionReport } from '../../api/types';
import { minutesBetween } from '../../common/format';
import { runOrigin, type Span } from '../../gantt/gantt-model';
import { rtoSummary, waveTimings } from './model';

const HEADER = [
  'level',
  'waveId',
  'waveName',
  'sourceServerId',
  'impact',
  'status',
  'health',
  'plannedStartMinute',
  'plannedEndMinute',
  'actualStartMinute',
  'actualEndMinute',
  'deviationMinutes',
  'error',
] as const;

type Cell = string | number | null;

/** One CSV field (RFC 4180), with text that a spreadsheet would run as a formula made inert. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV, planned against actual: a `run` row (planned end = RTO target, actual end = measured RTO),
 * then each wave followed by its servers (a server ends when it was healthy, else launched).
 */
export function reportToCsv(report: ExecutionReport, planned: ReadonlyMap<string, Span>): string {
  const execution = report.execution;
  const origin = runOrigin(execution);
  const rto = rtoSummary(report);
  const at = (iso: string | null) => (iso ? minutesBetween(origin, iso) : null);
  const rows: Cell[][] = [
    [
      'run',
      null,
      execution.planName,
      null,
      null,
      execution.status,
      null,
      0,
      rto.targetMinutes,
      0,
      rto.measuredMinutes,
      rto.measuredMinutes === null ? null : rto.measuredMinutes - rto.targetMinutes,
      execution.statusReason,
    ],
  ];
  for (const wave of execution.waves) {
    const timings = waveTimings(execution, wave, planned);
    rows.push([
      'wave',
      wave.id,
      wave.name,
      null,
      null,
      wave.status,
      null,
      timings.planned?.start ?? null,
      timings.planned?.end ?? null,
      at(wave.startedAt),
      at(wave.endedAt),
      timings.deviation,
      wave.reason,
    ]);
    for (const server of report.servers.filter(s => s.waveId === wave.id)) {
      rows.push([
        'server',
        wave.id,
        wave.name,
        server.sourceServerId,
        server.impact,
        server.launchStatus,
        server.health,
        null,
        null,
        at(wave.startedAt),
        at(server.healthyAt ?? server.launchedAt),
        null,
        server.error,
      ]);
    }
  }
  return [HEADER.join(','), ...rows.map(row => row.map(csvField).join(','))].join('\r\n') + '\r\n';
}

export function reportFileName(report: ExecutionReport, extension: 'csv' | 'json'): string {
  const safe = report.execution.planName.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe}-${report.execution.id}.${extension}`;
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
