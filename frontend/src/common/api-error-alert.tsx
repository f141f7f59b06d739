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

/**
 * The text for a form's error slot (which draws its own alert): the message with the API's code and status, and
 * a summary of the field errors (each is also shown next to its field where the form has one).
 */
export function errorLine(error: unknown): string {
  if (!(error instanceof ApiError) || error.status === 0) return errorMessage(error);
  const fields = error.fields.map(f => `${f.name}: ${f.message}`).join('; ');
  return `${error.message} (${error.code}, HTTP ${error.status})${fields ? ` — ${fields}` : ''}`;
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
