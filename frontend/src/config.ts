// Runtime settings read from /config.json (written at deploy time, so one build serves every environment).

export interface AppConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint?: string;
  apiUrl: string;
}

const REQUIRED = ['region', 'userPoolId', 'userPoolClientId', 'apiUrl'] as const;

export class ConfigError extends Error {}

export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== 'object' || raw === null) {
    throw new ConfigError('config.json is not a JSON object');
  }
  const record = raw as Record<string, unknown>;
  for (const key of REQUIRED) {
    const value = record[key];
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(`config.json: "${key}" must be a non-empty string`);
    }
  }
  const endpoint = record.cognitoEndpoint;
  if (endpoint !== undefined && endpoint !== null && typeof endpoint !== 'string') {
    throw new ConfigError('config.json: "cognitoEndpoint" must be a string');
  }
  return {
    region: record.region as string,
    userPoolId: record.userPoolId as string,
    userPoolClientId: record.userPoolClientId as string,
    apiUrl: (record.apiUrl as string).replace(/\/+$/, ''),
    ...(typeof endpoint === 'string' && endpoint !== '' ? { cognitoEndpoint: endpoint } : {}),
  };
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  const response = await fetchImpl('/config.json', { cache: 'no-store' });
  if (!response.ok) {
    throw new ConfigError(`config.json could not be loaded (HTTP ${response.status})`);
  }
  return parseConfig(await response.json());
}
