import type { FieldError, ProtectionGroupInput } from '../../api/types';
import { strings } from '../../strings';

export const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The client's own checks, named like the API names its fields. */
export function validateGroup(input: ProtectionGroupInput): FieldError[] {
  const errors: FieldError[] = [];
  if (input.name.trim() === '') errors.push({ name: 'name', message: strings.common.required });
  if (!ACCOUNT_ID.test(input.accountId)) {
    errors.push({ name: 'accountId', message: strings.settings.invalidAccountId });
  }
  if (!REGION.test(input.region)) errors.push({ name: 'region', message: strings.common.required });
  if (input.sourceServerIds.length === 0 && Object.keys(input.tagSelector).length === 0) {
    errors.push({ name: 'sourceServerIds', message: 'Pick at least one server or add a tag selector' });
  }
  return errors;
}
