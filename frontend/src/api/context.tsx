import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from './client';
import type { ServerClock } from './server-clock';

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (client === null) throw new Error('useApi must be used inside <ApiProvider>');
  return client;
}

/** The server's clock: "now" for what the console shows relative to the records' times. */
export function useServerClock(): ServerClock {
  return useApi().clock;
}
