import type { FieldError, ProtectionGroup, TagSelector } from '../../api/types';
import { strings } from '../../strings';

export const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** A protection group as the form edits it (every field present). */
export interface GroupDraft {
  name: string;
  description: string;
  accountId: string;
  region: string;
  sourceServerIds: string[];
  tagSelector: TagSelector;
}

export const EMPTY_GROUP: GroupDraft = {
  name: '',
  description: '',
  accountId: '',
  region: '',
  sourceServerIds: [],
  tagSelector: {},
};

export function groupToDraft(group: ProtectionGroup): GroupDraft {
  return {
    name: group.name,
    description: group.description ?? '',
    accountId: group.accountId,
    region: group.region,
    sourceServerIds: group.sourceServerIds ?? [],
    tagSelector: group.tagSelector ?? {},
  };
}

/** Which group already holds each server explicitly, among the other groups of the same account and Region. */
export function serverOwners(
  groups: readonly ProtectionGroup[],
  draft: Pick<GroupDraft, 'accountId' | 'region'>,
  self?: string,
) {
  const owners = new Map<string, ProtectionGroup>();
  for (const group of groups) {
    if (group.id === self || group.accountId !== draft.accountId || group.region !== draft.region) continue;
    for (const id of group.sourceServerIds ?? []) owners.set(id, group);
  }
  return owners;
}

/** The client's own checks, named like the API names its fields. */
export function validateGroup(input: GroupDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (input.name.trim() === '') errors.push({ name: 'name', message: strings.common.required });
  if (!ACCOUNT_ID.test(input.accountId)) {
    errors.push({ name: 'accountId', message: strings.settings.invalidAccountId });
  }
  if (!REGION.test(input.region)) errors.push({ name: 'region', message: strings.common.required });
  if (input.sourceServerIds.length === 0 && Object.keys(input.tagSelector).length === 0) {
    errors.push({ name: 'sourceServerIds', message: strings.validation.serversOrTags });
  }
  return errors;
}
