import { SERVER_TIME_HEADER, ServerClock } from './server-clock';
import type { ErrorBody, FieldError } from './types';

/** An error answered by the API (or a network failure, status 0), carrying its field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }

  /** The message the API gave for one field, by its exact name (e.g. `waves[0].name`). */
  fieldError(name: string): string | undefined {
    return this.fields.find(f => f.name === name)?.message;
  }
}

export type TokenProvider = () => Promise<string | null>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Query parameters; a list is sent as the same parameter repeated. */
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

export function buildUrl(base: string, path: string, query?: RequestOptions['query']): string {
  const url = `${base}${path.startsWith('/') ? path : `/${path}`}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) {
      if (one !== undefined && one !== '') params.append(key, String(one));
    }
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: TokenProvider,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    /** The server's clock, kept from the time each answer carries. */
    readonly clock: ServerClock = new ServerClock(),
  ) {}

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(path, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async text(path: string, options: RequestOptions = {}): Promise<string> {
    const response = await this.send(path, options);
    return response.text();
  }

  private async send(path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    const token = await this.token();
    if (token) headers.Authorization = token;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(buildUrl(this.baseUrl, path, options.query), {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError(0, 'NETWORK_ERROR', cause instanceof Error ? cause.message : String(cause));
    }
    this.clock.note(response.headers.get(SERVER_TIME_HEADER));
    if (!response.ok) throw await toApiError(response);
    return response;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isErrorBody(body)) {
    return new ApiError(response.status, body.error.code, body.error.message, body.error.fields ?? []);
  }
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || `HTTP ${response.status}`);
}
