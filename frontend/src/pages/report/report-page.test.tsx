// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExecutionReport, ReportExport, ReportServer } from '../../api/types';
import { fakeServer, renderWithApi, type RecordedRequest } from '../../test/fake-api';
import { execution, server, wave } from '../../test/fixtures';
import ReportPage from './index';

beforeAll(() => {
  // jsdom has no layout engine; the timeline only needs the observer to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

afterEach(() => vi.restoreAllMocks());

const SERVERS = 250;
const ids = Array.from({ length: SERVERS }, (_, n) => `s-${String(n).padStart(17, '0')}`);

function row(sourceServerId: string): ReportServer {
  return {
    sourceServerId,
    waveId: 'web',
    waveName: 'Web',
    waveStatus: 'COMPLETED',
    waveTimeoutMinutes: 60,
    plannedStartMinutes: 0,
    plannedEndMinutes: 60,
    actualStartMinutes: 0,
    actualEndMinutes: 20,
    impact: 'CRITICAL',
    jobId: 'drsjob-1',
    launchStatus: 'LAUNCHED',
    launchedAt: '2026-01-01T10:10:00Z',
    secondsToLaunch: 600,
    health: 'HEALTHY',
    healthyAt: '2026-01-01T10:20:00Z',
    recoveryInstanceId: null,
    error: null,
    phaseSeconds: {},
    healthEvidence: { output: 'x'.repeat(2000) },
  };
}

const summary: Omit<ExecutionReport, 'servers'> = {
  rtoTargetMinutes: 60,
  waves: [],
  execution: execution({
    status: 'SUCCEEDED',
    endedAt: '2026-01-01T10:20:00Z',
    waves: [
      wave({
        id: 'web',
        name: 'Web',
        status: 'COMPLETED',
        startedAt: '2026-01-01T10:00:00Z',
        endedAt: '2026-01-01T10:20:00Z',
        servers: ids.map(sourceServerId => server({ sourceServerId, launchStatus: 'LAUNCHED' })),
      }),
    ],
  }),
};

const link: ReportExport = {
  url: 'https://reports.s3.amazonaws.com/reports/ex-1/a.csv?X-Amz-Signature=abc',
  expiresAt: '2026-01-01T10:25:00Z',
  fileName: 'shop-dr-ex-1.csv',
  rows: SERVERS,
  sizeBytes: 900_000,
};

/** The API's report: pages of 100 rows whatever the limit asked (it bounds pages in bytes too), or the link. */
function reportRoute(exportAnswer: { status?: number; body: unknown } = { body: link }) {
  return (request: RecordedRequest) => {
    if (request.url.searchParams.get('export') === 'csv') return exportAnswer;
    const token = request.url.searchParams.get('nextToken');
    const start = token === null ? 0 : Number(token);
    const end = Math.min(start + 100, SERVERS);
    const page = { ...summary, servers: ids.slice(start, end).map(row) };
    return { body: end < SERVERS ? { ...page, nextToken: String(end) } : page };
  };
}

function renderReport(route: ReturnType<typeof reportRoute>) {
  const api = fakeServer({ 'GET /v1/executions/ex-1/report': route });
  renderWithApi(
    <Routes>
      <Route path="/executions/:id/report" element={<ReportPage />} />
    </Routes>,
    api.client,
    '/executions/ex-1/report',
  );
  return api;
}

function button(text: string) {
  return createWrapper(document.body)
    .findAllButtons()
    .find(b => b.getElement().textContent === text)!;
}

describe('report page', () => {
  it('test_reads_every_page_of_server_rows_when_the_run_is_large', async () => {
    // Given a run of 250 servers whose report comes in three pages
    const api = renderReport(reportRoute());

    // When the page has loaded
    await screen.findByText('(250)');

    // Then it followed nextToken to the last page, asking for large pages
    const reads = api.requests.filter(r => r.url.pathname.endsWith('/report'));
    expect(reads.map(r => r.url.searchParams.get('nextToken'))).toEqual([null, '100', '200']);
    expect(reads.every(r => r.url.searchParams.get('limit') === '1000')).toBe(true);
    // and the timeline draws the waves only, the table holds every server (a page of it at a time)
    expect(screen.getByText(/250 servers: the timeline shows the waves only/)).toBeTruthy();
    expect(screen.getByText(ids[0]!)).toBeTruthy();
  });

  it('test_csv_export_asks_the_api_for_a_link_and_downloads_it', async () => {
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const api = renderReport(reportRoute());
    await screen.findByText('(250)');

    // When the operator exports the CSV
    button('Export CSV').click();

    // Then the API is asked to export it, and its link is opened as a download (no credentials in it)
    await waitFor(() => expect(clicked).toHaveLength(1));
    const exportCall = api.requests.find(r => r.url.searchParams.get('export') === 'csv');
    expect(exportCall?.method).toBe('GET');
    expect(clicked[0]!.href).toBe(link.url);
    expect(clicked[0]!.download).toBe(link.fileName);
  });

  it('test_csv_export_failure_is_shown_when_storage_is_unavailable', async () => {
    const failure = {
      status: 503,
      body: { error: { code: 'REPORT_STORAGE_UNAVAILABLE', message: 'this deployment has no reports bucket' } },
    };
    renderReport(reportRoute(failure));
    await screen.findByText('(250)');

    button('Export CSV').click();

    expect(await screen.findByText('The CSV export failed')).toBeTruthy();
    expect(screen.getByText(/no reports bucket/)).toBeTruthy();
  });
});
