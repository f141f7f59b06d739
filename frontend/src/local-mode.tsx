import { createContext, useContext, type ReactNode } from 'react';
import { ApiClient, type TokenProvider } from './api/client';
import type { ServerClock } from './api/server-clock';
import type { AppConfig } from './config';

/**
 * Local mode's own routes (`/local/...` at the console's origin, not part of the API) are reached through this
 * client; on AWS there is none. Only local mode's `/config.json` names a `cognitoEndpoint` (its local Cognito),
 * so that is what tells the console it runs locally.
 */
const LocalModeContext = createContext<ApiClient | null>(null);

export function localRuntimeClient(
  config: AppConfig,
  token: TokenProvider,
  clock?: ServerClock,
  fetchImpl?: typeof fetch,
): ApiClient | null {
  if (config.cognitoEndpoint === undefined) return null;
  return new ApiClient(new URL(config.apiUrl).origin, token, fetchImpl, clock);
}

export function LocalModeProvider({ client, children }: { client: ApiClient | null; children: ReactNode }) {
  return <LocalModeContext.Provider value={client}>{children}</LocalModeContext.Provider>;
}

/** The local runtime's client, or null when the console runs on AWS. */
export function useLocalRuntime(): ApiClient | null {
  return useContext(LocalModeContext);
}
