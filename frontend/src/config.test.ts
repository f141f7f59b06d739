import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './config';

const base = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_abc',
  userPoolClientId: 'client',
  apiUrl: 'https://api/prod/',
};

describe('runtime config', () => {
  it('test_reads_config_and_trims_the_api_url_slash', () => {
    expect(parseConfig(base)).toEqual({ ...base, apiUrl: 'https://api/prod' });
  });

  it('test_keeps_cognito_endpoint_when_local', () => {
    expect(parseConfig({ ...base, cognitoEndpoint: 'http://127.0.0.1:8001' }).cognitoEndpoint).toBe(
      'http://127.0.0.1:8001',
    );
  });

  it('test_names_the_missing_key_when_config_is_incomplete', () => {
    expect(() => parseConfig({ ...base, userPoolClientId: '' })).toThrow(/userPoolClientId/);
    expect(() => parseConfig(null)).toThrow(ConfigError);
  });

  it('test_fails_clearly_when_config_json_is_missing', async () => {
    const fetchImpl = async () => new Response('', { status: 404 });
    await expect(loadConfig(fetchImpl)).rejects.toThrow(/HTTP 404/);
  });
});
