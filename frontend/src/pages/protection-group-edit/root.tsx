import Autosuggest from '@cloudscape-design/components/autosuggest';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import type { ProtectionGroup, TargetAccount } from '../../api/types';
import type { Gate } from '../../auth/permissions';
import { errorFor, errorsUnder, mergeFieldErrors } from '../../common/field-errors';
import { EditForm } from '../../common/edit-form';
import { strings } from '../../strings';
import { ServerPicker } from './server-picker';
import { TagSelectorEditor } from './tag-selector';
import { serverOwners, validateGroup, type GroupDraft } from './validation';

const t = strings.groups;

export interface ProtectionGroupFormProps {
  groupId: string | undefined;
  title: string | undefined;
  initial: GroupDraft;
  accounts: TargetAccount[];
  /** Every protection group, to show a server's current group before the API refuses it. */
  groups: ProtectionGroup[];
  writeGate: Gate;
  saving: boolean;
  saveError: unknown;
  onSave: (input: GroupDraft) => void;
  onCancel: () => void;
}

export function ProtectionGroupForm({
  groupId,
  title,
  initial,
  accounts,
  groups,
  writeGate,
  saving,
  saveError,
  onSave,
  onCancel,
}: ProtectionGroupFormProps) {
  const [input, setInput] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const clientErrors = submitted ? validateGroup(input) : [];
  const errors = mergeFieldErrors(clientErrors, saveError);
  const set = <K extends keyof GroupDraft>(key: K, value: GroupDraft[K]) =>
    setInput(current => ({ ...current, [key]: value }));
  const serverErrors = errorsUnder(errors, 'sourceServerIds');
  const regions = accounts.find(a => a.accountId === input.accountId)?.regions ?? [];

  return (
    <EditForm
      header={<Header variant="h1">{groupId ? t.editTitle(title ?? groupId) : t.createTitle}</Header>}
      submitLabel={groupId ? strings.common.save : strings.common.create}
      saving={saving}
      saveError={saveError}
      writeGate={writeGate}
      onCancel={onCancel}
      onSubmit={() => {
        setSubmitted(true);
        if (validateGroup(input).length === 0) onSave(input);
      }}
    >
      <SpaceBetween size="l">
        <Container>
          <SpaceBetween size="m">
            <FormField label={t.fields.name} errorText={errorFor(errors, 'name')}>
              <Input value={input.name} onChange={({ detail }) => set('name', detail.value)} />
            </FormField>
            <FormField label={t.fields.description} errorText={errorFor(errors, 'description')}>
              <Textarea value={input.description} onChange={({ detail }) => set('description', detail.value)} />
            </FormField>
            <FormField label={t.fields.accountId} errorText={errorFor(errors, 'accountId')}>
              <Autosuggest
                value={input.accountId}
                onChange={({ detail }) => set('accountId', detail.value)}
                options={accounts.map(a => ({ value: a.accountId, label: a.name }))}
                enteredTextLabel={value => value}
                ariaLabel={t.fields.accountId}
              />
            </FormField>
            <FormField label={t.fields.region} errorText={errorFor(errors, 'region')}>
              <Autosuggest
                value={input.region}
                onChange={({ detail }) => set('region', detail.value)}
                options={regions.map(r => ({ value: r }))}
                enteredTextLabel={value => value}
                ariaLabel={t.fields.region}
              />
            </FormField>
          </SpaceBetween>
        </Container>
        <TagSelectorEditor
          accountId={input.accountId}
          region={input.region}
          selector={input.tagSelector}
          onChange={selector => set('tagSelector', selector)}
          errorText={errorFor(errors, 'tagSelector')}
        />
        <ServerPicker
          accountId={input.accountId}
          region={input.region}
          owners={serverOwners(groups, input, groupId)}
          selectedIds={input.sourceServerIds}
          onChange={ids => set('sourceServerIds', ids)}
          errors={serverErrors}
        />
      </SpaceBetween>
    </EditForm>
  );
}
