import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ActionType, FieldError, OnFailure } from '../../api/types';
import { errorFor } from '../../common/field-errors';
import { TextField } from '../../common/text-field';
import { strings } from '../../strings';
import { ACTION_TYPES, newActionDraft, type ActionDraft } from './action-draft';

const t = strings.actions;

export interface ActionFormProps {
  draft: ActionDraft;
  onChange: (draft: ActionDraft) => void;
  onRemove: () => void;
  /** Field errors for this action, named `<prefix>.<field>`. */
  errors: readonly FieldError[];
  prefix: string;
}

/** One pre/post action, with the fields of its type. */
export function ActionForm({ draft, onChange, onRemove, errors, prefix }: ActionFormProps) {
  const err = (field: keyof ActionDraft) => errorFor(errors, `${prefix}.${field}`);
  const set = (field: keyof ActionDraft) => (value: string) => onChange({ ...draft, [field]: value });
  const typeOptions = ACTION_TYPES.map(type => ({ value: type, label: t.types[type] }));
  const failureOptions = (['FAIL', 'CONTINUE'] as const).map(value => ({ value, label: t.onFailureOptions[value] }));
  return (
    <Container
      header={
        <Header
          variant="h3"
          actions={
            <Button formAction="none" iconName="remove" onClick={onRemove}>
              {t.remove}
            </Button>
          }
        >
          {draft.name || t.types[draft.type]}
        </Header>
      }
    >
      <SpaceBetween size="s">
        <ColumnLayout columns={2}>
          <FormField label={t.type}>
            <Select
              selectedOption={typeOptions.find(o => o.value === draft.type) ?? null}
              options={typeOptions}
              onChange={({ detail }) => {
                const type = detail.selectedOption.value as ActionType;
                onChange({ ...newActionDraft(type), name: draft.name, onFailure: draft.onFailure });
              }}
              ariaLabel={t.type}
            />
          </FormField>
          <TextField label={t.name} value={draft.name} error={err('name')} onChange={set('name')} />
        </ColumnLayout>
        {draft.type === 'SSM_AUTOMATION' || draft.type === 'SSM_RUN_COMMAND' ? (
          <>
            <TextField
              label={t.documentName}
              value={draft.documentName}
              error={err('documentName')}
              onChange={set('documentName')}
            />
            <TextField
              label={t.parameters}
              value={draft.parameters}
              error={err('parameters')}
              onChange={set('parameters')}
              multiline
            />
          </>
        ) : null}
        {draft.type === 'LAMBDA' ? (
          <>
            <TextField
              label={t.functionArn}
              value={draft.functionArn}
              error={err('functionArn')}
              onChange={set('functionArn')}
            />
            <TextField
              label={t.payload}
              value={draft.payload}
              error={err('payload')}
              onChange={set('payload')}
              multiline
            />
          </>
        ) : null}
        {draft.type === 'APPROVAL' ? (
          <TextField
            label={t.message}
            value={draft.message}
            error={err('message')}
            onChange={set('message')}
            multiline
          />
        ) : null}
        {draft.type === 'WAIT' ? (
          <TextField
            label={t.waitSeconds}
            value={draft.waitSeconds}
            error={err('waitSeconds')}
            onChange={set('waitSeconds')}
            numeric
          />
        ) : null}
        <ColumnLayout columns={2}>
          <TextField
            label={t.timeoutSeconds}
            value={draft.timeoutSeconds}
            error={err('timeoutSeconds')}
            onChange={set('timeoutSeconds')}
            numeric
          />
          <FormField label={t.onFailure}>
            <Select
              selectedOption={failureOptions.find(o => o.value === draft.onFailure) ?? null}
              options={failureOptions}
              onChange={({ detail }) => onChange({ ...draft, onFailure: detail.selectedOption.value as OnFailure })}
              ariaLabel={t.onFailure}
            />
          </FormField>
        </ColumnLayout>
      </SpaceBetween>
    </Container>
  );
}

/** A list of actions (pre or post) with an add button. */
export function ActionList({
  label,
  actions,
  onChange,
  errors,
  prefix,
}: {
  label: string;
  actions: ActionDraft[];
  onChange: (actions: ActionDraft[]) => void;
  errors: readonly FieldError[];
  prefix: string;
}) {
  return (
    <FormField label={label} stretch>
      <SpaceBetween size="s">
        {actions.map((action, j) => (
          <ActionForm
            key={j}
            draft={action}
            prefix={`${prefix}[${j}]`}
            errors={errors}
            onChange={next => onChange(actions.map((a, k) => (k === j ? next : a)))}
            onRemove={() => onChange(actions.filter((_, k) => k !== j))}
          />
        ))}
        <Button
          formAction="none"
          iconName="add-plus"
          onClick={() => onChange([...actions, newActionDraft('SSM_AUTOMATION')])}
        >
          {`${strings.plans.wave.addAction} (${label})`}
        </Button>
      </SpaceBetween>
    </FormField>
  );
}
