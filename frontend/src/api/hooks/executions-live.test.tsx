// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer, newQueryClient } from '../../test/fake-api';
import { ApiProvider } from '../context';
import { LIVE_POLL_MS, useExecutionServerPage, useExecutionSummary } from './executions';

function wrapperFor(server: ReturnType<typeof fakeServer>) {
  const queryClient = newQueryClient();
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={server.client}>{children}</ApiProvider>
    </QueryClientProvider>
  );
}

const summary = (status: string) => ({ id: 'ex-1', status, waves: [] });

describe('the live view polling', () => {
  afterEach(() => vi.useRealTimers());

  it('test_polls_the_summary_view_without_servers_while_the_run_is_active_and_stops_once_it_ended', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let status = 'RUNNING';
    const api = fakeServer({ 'GET /v1/executions/ex-1': () => ({ body: summary(status) }) });
    const { result } = renderHook(() => useExecutionSummary('ex-1'), { wrapper: wrapperFor(api) });
    await waitFor(() => expect(result.current.data?.status).toBe('RUNNING'));
    expect(api.requests.map(r => r.url.searchParams.get('servers'))).toEqual(['none']);

    status = 'SUCCEEDED';
    await act(() => vi.advanceTimersByTimeAsync(LIVE_POLL_MS));
    await waitFor(() => expect(result.current.data?.status).toBe('SUCCEEDED'));
    const polls = api.requests.length;
    await act(() => vi.advanceTimersByTimeAsync(3 * LIVE_POLL_MS));
    expect(api.requests.length).toBe(polls);
  });

  it('test_polls_only_the_server_page_shown_while_live', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const api = fakeServer({ 'GET /v1/executions/ex-1/servers': () => ({ body: { items: [], nextToken: 't2' } }) });
    renderHook(() => useExecutionServerPage('ex-1', { waveId: 'db' }, 't1', true), { wrapper: wrapperFor(api) });
    await waitFor(() => expect(api.requests).toHaveLength(1));
    await act(() => vi.advanceTimersByTimeAsync(LIVE_POLL_MS));
    await waitFor(() => expect(api.requests).toHaveLength(2));
    expect(api.requests.map(r => [r.url.searchParams.get('waveId'), r.url.searchParams.get('nextToken')])).toEqual([
      ['db', 't1'],
      ['db', 't1'],
    ]);
  });
});
