// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiProvider } from '../../api/context';
import type { ExecutionEvent } from '../../api/types';
import { fakeServer, newQueryClient } from '../../test/fake-api';
import { fetchNewEvents, mergeEvents, useLiveEvents } from './live-events';

const event = (eventId: string): ExecutionEvent => ({
  executionId: 'ex-1',
  eventId,
  at: '2026-01-01T10:00:00Z',
  type: 'JOB_STARTED',
  message: eventId,
});
const ids = (events: readonly ExecutionEvent[]) => events.map(e => e.eventId);

describe('incremental events', () => {
  it('test_merges_by_event_id_keeping_time_order_when_the_api_sends_recent_events_again', () => {
    const held = [event('e1'), event('e3')];
    // e3 again (the API repeats the last moments) and e2, stored late but sorting before e3
    expect(ids(mergeEvents(held, [event('e2'), event('e3'), event('e4')]))).toEqual(['e1', 'e2', 'e3', 'e4']);
    // nothing new: the very list held, so nothing re-renders
    expect(mergeEvents(held, [event('e3')])).toBe(held);
  });

  it('test_asks_for_everything_once_then_only_for_what_came_after_the_newest_event_held', async () => {
    const asked: (string | undefined)[] = [];
    const pages: Record<string, { items: ExecutionEvent[]; nextToken?: string }> = {
      '': { items: [event('e1'), event('e2')], nextToken: 't2' },
      t2: { items: [event('e3')] },
      e3: { items: [event('e3'), event('e4')] },
    };
    const fetchPage = async ({ after, nextToken }: { after?: string; nextToken?: string }) => {
      asked.push(after);
      return pages[nextToken ?? after ?? ''] ?? { items: [] };
    };

    const first = await fetchNewEvents(fetchPage, []);
    const second = await fetchNewEvents(fetchPage, first);

    expect(ids(first)).toEqual(['e1', 'e2', 'e3']);
    expect(ids(second)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(asked).toEqual([undefined, undefined, 'e3']);
  });

  it('test_polls_the_events_route_with_the_after_cursor_when_the_live_view_refreshes', async () => {
    const api = fakeServer({
      'GET /v1/executions/ex-1/events': r =>
        r.url.searchParams.get('after') === 'e2'
          ? { body: { items: [event('e2'), event('e3')] } }
          : { body: { items: [event('e1'), event('e2')] } },
    });
    const queryClient = newQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={queryClient}>
        <ApiProvider client={api.client}>{children}</ApiProvider>
      </QueryClientProvider>
    );
    const { result } = renderHook(() => useLiveEvents('ex-1', 'RUNNING'), { wrapper });
    await waitFor(() => expect(result.current.data).toHaveLength(2));

    await result.current.refetch();

    await waitFor(() => expect(ids(result.current.data ?? [])).toEqual(['e1', 'e2', 'e3']));
    expect(api.requests.map(r => r.url.searchParams.get('after'))).toEqual([null, 'e2']);
    expect(api.requests.every(r => r.url.searchParams.get('limit') === '100')).toBe(true);
  });
});
