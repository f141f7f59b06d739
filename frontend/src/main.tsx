import '@cloudscape-design/global-styles/index.css';
import './print.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiClient, ApiError } from './api/client';
import { ApiProvider } from './api/context';
import { App } from './app';
import { amplifyAuth } from './auth/amplify-auth';
import { AuthProvider } from './auth/auth-context';
import { loadConfig } from './config';
import { LocalModeProvider, localRuntimeClient } from './local-mode';
import { strings } from './strings';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A 4xx answer will not change on retry; network failures and 5xx get two more tries.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

async function start(root: HTMLElement) {
  const reactRoot = createRoot(root);
  try {
    const config = await loadConfig();
    const auth = amplifyAuth(config);
    const api = new ApiClient(config.apiUrl, () => auth.idToken());
    const local = localRuntimeClient(config, () => auth.idToken(), api.clock);
    reactRoot.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <AuthProvider service={auth}>
            <ApiProvider client={api}>
              <LocalModeProvider client={local}>
                <BrowserRouter>
                  <App />
                </BrowserRouter>
              </LocalModeProvider>
            </ApiProvider>
          </AuthProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  } catch (error) {
    reactRoot.render(
      <p role="alert">
        {strings.auth.configFailed}: {error instanceof Error ? error.message : String(error)}
      </p>,
    );
  }
}

const root = document.getElementById('root');
if (root) void start(root);
