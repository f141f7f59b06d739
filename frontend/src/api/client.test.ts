import { describe, expect, it } from 'vitest';
import { fakeServer } from '../test/fake-api';
import { ApiClient, ApiError, buildUrl } from './client';
import { fetchAllPages } from './paging';
import { normaliseServerQuery, queryKeys, serverQueryParams } from './query-keys';

describe('API client', () => {
  it('test_sends_the_id_token_as_authorization_when_signed_in', async () => {
    const server = fakeServer({ 'GET /v1/me': () => ({ body: { user: 'u' } }) });
    await server.client.request('/me');
    expect(server.requests[0]?.headers.Authorization).toBe('id-token');
  });

  it('test_raises_api_error_with_field_errors_when_api_answers_an_error_body', async () => {
    // Given the API refuses a group because a server is already in another group
    const server = fakeServer({
      'POST /v1/protection-groups': () => ({
        status: 409,
        body: {
          error: {
            code: 'CONFLICT',
            message: 'server in another group',
            fields: [{ name: 'sourceServerIds[0]', message: 's-1 belongs to pg-2' }],
          },
        },
      }),
    });
    // When the console posts it
    const error = await server.client.request('/protection-groups', { method: 'POST', body: {} }).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as ApiError,
    );
    // Then the error carries status, code and the field error by name
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code]).toEqual([409, 'CONFLICT']);
    expect(error.fieldError('sourceServerIds[0]')).toBe('s-1 belongs to pg-2');
  });

  it('test_raises_network_error_with_status_zero_when_fetch_fails', async () => {
    const client = new ApiClient(
      'https://api.test',
      async () => null,
      async () => {
        throw new TypeError('Failed to fetch');
      },
    );
    const error = await client.request('/me').then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as ApiError,
    );
    expect([error.status, error.code]).toEqual([0, 'NETWORK_ERROR']);
  });

  it('test_keeps_statusText_when_error_has_no_json_body', async () => {
    const server = fakeServer({ 'GET /v1/me': () => ({ status: 502, body: 'not an error body' }) });
    const error = await server.client.request('/me').then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as ApiError,
    );
    expect([error.status, error.code]).toEqual([502, 'HTTP_502']);
  });

  it('test_builds_urls_without_empty_query_values', () => {
    expect(buildUrl('https://x/v1', 'a', { b: undefined, c: '', d: 2 })).toBe('https://x/v1/a?d=2');
  });
});

describe('paging and query keys', () => {
  it('test_follows_next_token_to_the_last_page', async () => {
    const pages: Record<string, { items: number[]; nextToken?: string }> = {
      '': { items: [1, 2], nextToken: 't1' },
      t1: { items: [3], nextToken: 't2' },
      t2: { items: [4] },
    };
    const seen: (string | undefined)[] = [];
    const items = await fetchAllPages(async token => {
      seen.push(token);
      return pages[token ?? '']!;
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([undefined, 't1', 't2']);
  });

  it('test_fails_instead_of_looping_when_a_token_repeats', async () => {
    await expect(fetchAllPages(async () => ({ items: [1], nextToken: 'same' }))).rejects.toThrow(/repeated/);
  });

  it('test_gives_equal_keys_when_server_queries_differ_only_in_order_or_blanks', () => {
    const a = queryKeys.sourceServers({ accountId: '1', region: '', tags: { Tier: 'web', App: 'shop' } });
    const b = queryKeys.sourceServers({ tags: { App: 'shop', Tier: 'web' }, accountId: '1' });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(normaliseServerQuery({ accountId: '', tags: {} })).toEqual({});
  });

  it('test_sends_tag_filters_as_a_repeated_tag_parameter', () => {
    const params = serverQueryParams({ accountId: '1', region: 'us-east-1', tags: { Tier: 'web', App: 'shop' } }, 'n');
    expect(params).toEqual({ accountId: '1', region: 'us-east-1', nextToken: 'n', tag: ['App=shop', 'Tier=web'] });
    expect(buildUrl('https://x', '/drs/source-servers', params)).toBe(
      'https://x/drs/source-servers?accountId=1&region=us-east-1&tag=App%3Dshop&tag=Tier%3Dweb&nextToken=n',
    );
  });

  it('test_keeps_every_detail_key_under_its_resource_key_for_invalidation', () => {
    expect(queryKeys.executions.events('ex-1').slice(0, 1)).toEqual([...queryKeys.executions.all]);
    expect(queryKeys.protectionGroups.servers('pg-1').slice(0, 3)).toEqual([
      ...queryKeys.protectionGroups.detail('pg-1'),
    ]);
  });
});
