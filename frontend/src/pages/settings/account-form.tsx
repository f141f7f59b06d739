import ColumnLayout from '@cloudscape-design/components/column-layout';
import { useState } from 'react';
import type { FieldError, TargetAccountInput } from '../../api/types';
import { errorFor, mergeFieldErrors } from '../../common/field-errors';
import { TextField } from '../../common/text-field';
import { EditForm } from '../../common/edit-form';
import { strings } from '../../strings';
import { ACCOUNT_ID } from '../protection-group-edit/validation';

const f = strings.settings.accountFields;

export interface AccountDraft {
  accountId: string;
  name: string;
  roleArn: string;
  externalId: string;
  regions: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function validateAccount(draft: AccountDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (!ACCOUNT_ID.test(draft.accountId)) errors.push({ name: 'accountId', message: strings.settings.invalidAccountId });
  if (draft.name.trim() === '') errors.push({ name: 'name', message: strings.common.required });
  if (!ROLE_ARN.test(draft.roleArn.trim())) errors.push({ name: 'roleArn', message: strings.validation.roleArn });
  if (draft.externalId.trim().length < 2) errors.push({ name: 'externalId', message: strings.common.required });
  if (draftRegions(draft).length === 0) errors.push({ name: 'regions', message: strings.common.required });
  return errors;
}

function draftRegions(draft: AccountDraft): string[] {
  return draft.regions
    .split(',')
    .map(r => r.trim())
    .filter(r => r !== '');
}

export function draftToAccount(draft: AccountDraft): TargetAccountInput {
  return {
    accountId: draft.accountId,
    name: draft.name.trim(),
    roleArn: draft.roleArn.trim(),
    externalId: draft.externalId.trim(),
    regions: draftRegions(draft),
  };
}

export function AccountForm({
  onSave,
  onCancel,
  saving,
  saveError,
}: {
  onSave: (account: TargetAccountInput) => void;
  onCancel: () => void;
  saving: boolean;
  saveError: unknown;
}) {
  const [draft, setDraft] = useState<AccountDraft>({
    accountId: '',
    name: '',
    roleArn: '',
    externalId: '',
    regions: '',
  });
  const [submitted, setSubmitted] = useState(false);
  const errors = mergeFieldErrors(submitted ? validateAccount(draft) : [], saveError);
  const field = (key: keyof AccountDraft, label: string) => (
    <TextField
      label={label}
      value={draft[key]}
      error={errorFor(errors, key)}
      onChange={value => setDraft(d => ({ ...d, [key]: value }))}
    />
  );
  return (
    <EditForm
      submitLabel={strings.common.save}
      saving={saving}
      saveError={saveError}
      onCancel={onCancel}
      onSubmit={() => {
        setSubmitted(true);
        if (validateAccount(draft).length === 0) onSave(draftToAccount(draft));
      }}
    >
      <ColumnLayout columns={2}>
        {field('accountId', f.accountId)}
        {field('name', f.name)}
        {field('roleArn', f.roleArn)}
        {field('externalId', f.externalId)}
        {field('regions', f.regions)}
      </ColumnLayout>
    </EditForm>
  );
}
