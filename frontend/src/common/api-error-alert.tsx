import Alert from '@cloudscape-design/components/alert';
import { ApiError } from '../api/client';
import { strings } from '../strings';

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return strings.common.networkError;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** An API error as the API said it: code, message and any field errors not shown next to their field. */
export function ApiErrorAlert({ error, hideFields = false }: { error: unknown; hideFields?: boolean }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <Alert type="error" header={strings.common.errorTitle}>
      {errorMessage(error)}
      {apiError && apiError.status > 0 ? ` (${apiError.code}, HTTP ${apiError.status})` : null}
      {apiError && !hideFields && apiError.fields.length > 0 ? (
        <ul>
          {apiError.fields.map(f => (
            <li key={`${f.name}:${f.message}`}>
              <code>{f.name}</code>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
