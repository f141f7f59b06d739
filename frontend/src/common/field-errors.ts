import type { FieldError } from '../api/types';
import { ApiError } from '../api/client';

/** Field errors from the client's own checks and from the API's answer, merged (the client's first). */
export function mergeFieldErrors(client: readonly FieldError[], apiError: unknown): FieldError[] {
  const server = apiError instanceof ApiError ? apiError.fields : [];
  return [...client, ...server];
}

/** The message for one field name, or undefined. */
export function errorFor(errors: readonly FieldError[], name: string): string | undefined {
  return errors.find(e => e.name === name)?.message;
}

/** Messages for every field whose name starts with `prefix` (e.g. `sourceServerIds[`): conflicts per server. */
export function errorsUnder(errors: readonly FieldError[], prefix: string): FieldError[] {
  return errors.filter(e => e.name === prefix || e.name.startsWith(`${prefix}[`) || e.name.startsWith(`${prefix}.`));
}
