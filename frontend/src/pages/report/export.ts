import type { ExecutionReport } from '../../api/types';

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

/**
 * Downloads a file the API exported, from its short-lived link (a presigned S3 URL that serves it as an
 * attachment): a plain navigation, so no credentials go with it and no CORS applies.
 */
export function openDownload(url: string, fileName: string): void {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  anchor.click();
}
