// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { WaveServer } from '../../api/hooks/executions';
import { fakeServer, renderWithApi, type RecordedRequest } from '../../test/fake-api';
import { server, wave } from '../../test/fixtures';
import { SERVER_PAGE_SIZE, ServersTable } from './servers-table';

/** 4,000 servers over 2 waves and 2 accounts; every tenth failed. */
const fleet: WaveServer[] = ['db', 'app'].flatMap(waveId =>
  Array.from({ length: 2000 }, (_, n) => ({
    ...server({
      sourceServerId: `s-${waveId}-${String(n).padStart(4, '0')}`,
      launchStatus: n % 10 === 0 ? 'FAILED' : 'LAUNCHED',
      accountId: n % 2 ? '222222222222' : '111111111111',
      region: 'us-east-1',
      drsPhase: { phase: 'LAUNCH', since: '2026-01-01T10:00:00Z' },
    }),
    waveId,
  })),
);

const waves = ['db', 'app'].map(id =>
  wave({
    id,
    servers: [],
    serverCounts: {
      total: 2000,
      waiting: 0,
      launch: { LAUNCHED: 1800, FAILED: 200 },
      health: {},
      failed: 200,
      critical: 0,
      criticalRecovered: 0,
    },
  }),
);

/** The API's listing: filters, then a page after the token (the index of the next server). */
function listing(request: RecordedRequest) {
  const q = request.url.searchParams;
  const kept = fleet.filter(
    s =>
      (!q.get('waveId') || s.waveId === q.get('waveId')) &&
      (!q.get('status') || s.launchStatus === q.get('status')) &&
      (!q.get('accountId') || s.accountId === q.get('accountId')),
  );
  const from = Number(q.get('nextToken') ?? 0);
  const limit = Number(q.get('limit'));
  const next = from + limit < kept.length ? String(from + limit) : undefined;
  return { body: { items: kept.slice(from, from + limit), ...(next ? { nextToken: next } : {}) } };
}

function select(label: string, option: string) {
  const wrapper = createWrapper(document.body)
    .findAllSelects()
    .find(s => s.getElement().textContent?.includes(label))!;
  wrapper.openDropdown();
  wrapper.selectOptionByValue(option);
}

const rowTexts = () =>
  createWrapper(document.body)
    .findTable()!
    .findRows()
    .map(r => r.getElement().textContent ?? '');

describe('servers table', () => {
  it('test_reads_one_page_of_servers_with_the_filters_applied_by_the_api_when_a_run_has_4000_servers', async () => {
    const api = fakeServer({ 'GET /v1/executions/ex-1/servers': listing });
    renderWithApi(
      <ServersTable
        executionId="ex-1"
        waves={waves}
        targets={{ accountIds: ['111111111111', '222222222222'], regions: ['us-east-1'] }}
        live={false}
        pointInTime={false}
        waveName={id => id.toUpperCase()}
        now={new Date('2026-01-01T10:04:00Z')}
      />,
      api.client,
    );
    await waitFor(() => expect(rowTexts()).toHaveLength(SERVER_PAGE_SIZE));
    const table = createWrapper(document.body).findTable()!;
    expect(table.findHeaderSlot()?.getElement().textContent).toContain('(4000)');
    expect(rowTexts()[0]).toContain('DB');
    expect(rowTexts()[0]).toContain('s-db-0000');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.url.searchParams.get('limit')).toBe(String(SERVER_PAGE_SIZE));

    // the next page is asked for with the token the first answered
    const pagination = createWrapper(document.body).findPagination()!;
    act(() => pagination.findNextPageButton().click());
    await waitFor(() => expect(rowTexts()[0]).toContain('s-db-0050'));
    expect(api.requests.at(-1)?.url.searchParams.get('nextToken')).toBe('50');

    // filters go to the API and start again at page 1
    select('Wave', 'app');
    select('Status', 'FAILED');
    select('Account', '111111111111');
    await waitFor(() => expect(rowTexts()[0]).toContain('s-app-0000'));
    const asked = api.requests.at(-1)!.url.searchParams;
    expect([asked.get('waveId'), asked.get('status'), asked.get('accountId'), asked.get('nextToken')]).toEqual([
      'app',
      'FAILED',
      '111111111111',
      null,
    ]);
    // 200 failed in app, all on even numbers (account 111...): four pages of 50
    expect(rowTexts()).toHaveLength(SERVER_PAGE_SIZE);
    expect(rowTexts().every(t => t.includes('s-app-'))).toBe(true);
    expect(table.findHeaderSlot()?.getElement().textContent).toContain('(4000)');
    for (const first of ['s-app-0500', 's-app-1000', 's-app-1500']) {
      act(() => pagination.findNextPageButton().click());
      await waitFor(() => expect(rowTexts()[0]).toContain(first));
    }
    expect(pagination.findCurrentPage().getElement().textContent).toBe('4');
    await waitFor(() => expect(pagination.findNextPageButton().isDisabled()).toBe(true));
    expect(pagination.findPageNumbers()).toHaveLength(4);
  }, 60_000);

  it('test_shows_the_count_the_waves_counts_give_for_a_wave_and_status_filter', async () => {
    const api = fakeServer({ 'GET /v1/executions/ex-1/servers': listing });
    renderWithApi(
      <ServersTable
        executionId="ex-1"
        waves={waves}
        targets={{ accountIds: [], regions: [] }}
        live={false}
        pointInTime={false}
        waveName={id => id}
        now={new Date()}
      />,
      api.client,
    );
    await waitFor(() => expect(rowTexts()).toHaveLength(SERVER_PAGE_SIZE));
    select('Wave', 'db');
    select('Status', 'FAILED');
    const header = createWrapper(document.body).findTable()!.findHeaderSlot()!.getElement();
    await waitFor(() => expect(header.textContent).toContain('(200/4000)'));
  });
});
