import { describe, expect, it } from 'vitest';
import { localRuntimeClient } from './local-mode';

const aws = { region: 'eu-west-1', userPoolId: 'p', userPoolClientId: 'c', apiUrl: 'https://api.example.com/prod' };

describe('local mode', () => {
  it('test_has_no_local_runtime_when_the_config_names_no_local_cognito', () => {
    expect(localRuntimeClient(aws, async () => 'token')).toBeNull();
  });

  it('test_reaches_the_local_routes_at_the_console_origin_with_the_same_token_when_run_locally', async () => {
    const asked: { url: string; auth: string | undefined }[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      asked.push({ url: String(input), auth: (init?.headers as Record<string, string>).Authorization });
      return new Response('{"items": []}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const local = { ...aws, apiUrl: 'http://127.0.0.1:8123/api', cognitoEndpoint: 'http://127.0.0.1:9000' };
    const client = localRuntimeClient(local, async () => 'id-token', undefined, fetchImpl);
    await client?.request('/local/executions/ex-1/connect-failback-clients', { method: 'POST' });
    expect(asked).toEqual([
      { url: 'http://127.0.0.1:8123/local/executions/ex-1/connect-failback-clients', auth: 'id-token' },
    ]);
  });
});
