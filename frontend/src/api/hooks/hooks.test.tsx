// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { usePagedInfinite } from '../../common/use-paged-infinite';
import { fakeServer, newQueryClient } from '../../test/fake-api';
import { ApiProvider } from '../context';
import { commandPath, livePollInterval, LIVE_POLL_MS, useExecution } from './executions';
import { useSourceServers } from './drs';
import { useProtectionGroups } from './protection-groups';

function wrapperFor(server: ReturnType<typeof fakeServer>) {
  const queryClient = newQueryClient();
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={server.client}>{children}</ApiProvider>
    </QueryClientProvider>
  );
}

const server = (id: string) => ({ sourceServerId: id, hostname: id, replicationState: 'CONTINUOUS' });

describe('data hooks', () => {
  it('test_lists_every_protection_group_when_the_api_pages', async () => {
    const api = fakeServer({
      'GET /v1/protection-groups': r =>
        r.url.searchParams.get('nextToken') === 'p2'
          ? { body: { items: [{ id: 'pg-3' }] } }
          : { body: { items: [{ id: 'pg-1' }, { id: 'pg-2' }], nextToken: 'p2' } },
    });
    const { result } = renderHook(() => useProtectionGroups(), { wrapper: wrapperFor(api) });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.map(g => g.id)).toEqual(['pg-1', 'pg-2', 'pg-3']);
  });

  it('test_fetches_the_next_server_page_only_when_the_user_moves_to_it', async () => {
    // Given an inventory of two API pages
    const api = fakeServer({
      'GET /v1/drs/source-servers': r =>
        r.url.searchParams.get('nextToken') === 'n1'
          ? { body: { items: [server('s-3')] } }
          : { body: { items: [server('s-1'), server('s-2')], nextToken: 'n1' } },
    });
    const { result } = renderHook(
      () => usePagedInfinite(useSourceServers({ accountId: '111122223333', region: 'us-east-1' })),
      {
        wrapper: wrapperFor(api),
      },
    );
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    // Then the first page is shown, the end is open and only one request was made, with the filters
    expect(result.current.openEnd).toBe(true);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.url.searchParams.get('accountId')).toBe('111122223333');
    // When the user moves to page 2
    act(() => result.current.setPageIndex(2));
    await waitFor(() => expect(result.current.items.map(s => s.sourceServerId)).toEqual(['s-3']));
    // Then page 2 came from the token, and the end is closed
    expect(api.requests[1]?.url.searchParams.get('nextToken')).toBe('n1');
    expect([result.current.pageIndex, result.current.pagesCount, result.current.openEnd]).toEqual([2, 2, false]);
    // When the user goes back, no request is made
    act(() => result.current.setPageIndex(1));
    expect(result.current.items.map(s => s.sourceServerId)).toEqual(['s-1', 's-2']);
    expect(api.requests).toHaveLength(2);
  });

  it('test_does_not_ask_for_servers_when_disabled', () => {
    const api = fakeServer({});
    const { result } = renderHook(() => useSourceServers({}, false), { wrapper: wrapperFor(api) });
    expect(result.current.fetchStatus).toBe('idle');
    expect(api.requests).toHaveLength(0);
  });

  it('test_polls_only_while_the_execution_is_active', () => {
    expect(livePollInterval('RUNNING')).toBe(LIVE_POLL_MS);
    expect(livePollInterval('PAUSED')).toBe(LIVE_POLL_MS);
    expect(livePollInterval(undefined)).toBe(LIVE_POLL_MS);
    expect(livePollInterval('SUCCEEDED')).toBe(false);
    expect(livePollInterval('WAITING_APPROVAL')).toBe(LIVE_POLL_MS);
    expect(livePollInterval('CANCELLED')).toBe(false);
  });

  it('test_loads_an_execution_by_id', async () => {
    const api = fakeServer({
      'GET /v1/executions/ex-1': () => ({ body: { id: 'ex-1', status: 'SUCCEEDED', waves: [] } }),
    });
    const { result } = renderHook(() => useExecution('ex-1'), { wrapper: wrapperFor(api) });
    await waitFor(() => expect(result.current.data?.id).toBe('ex-1'));
  });

  it('test_routes_each_command_to_its_endpoint', () => {
    expect(commandPath('ex 1', { kind: 'pause' })).toBe('/executions/ex%201/pause');
    expect(commandPath('ex-1', { kind: 'terminate-instances' })).toBe('/executions/ex-1/terminate-instances');
    expect(commandPath('ex-1', { kind: 'approve', waveId: 'db' })).toBe('/executions/ex-1/waves/db/approve');
  });
});
