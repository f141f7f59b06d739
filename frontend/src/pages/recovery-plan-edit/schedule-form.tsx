import Autosuggest from '@cloudscape-design/components/autosuggest';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Toggle from '@cloudscape-design/components/toggle';
import { useMemo, useState } from 'react';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { errorFor, mergeFieldErrors } from '../../common/field-errors';
import { TextField } from '../../common/text-field';
import { strings } from '../../strings';
import { timeZones, validateSchedule, type ScheduleDraft } from './schedule-draft';

const t = strings.schedules;

/** The schedule's form, in a dialog: expression, time zone, enabled; the API's field errors next to their field. */
export function ScheduleForm({
  title,
  initial,
  saving,
  saveError,
  onSubmit,
  onDismiss,
}: {
  title: string;
  initial: ScheduleDraft;
  saving: boolean;
  saveError: unknown;
  onSubmit: (draft: ScheduleDraft) => void;
  onDismiss: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const zones = useMemo(() => timeZones().map(value => ({ value })), []);
  const errors = mergeFieldErrors(submitted ? validateSchedule(draft) : [], saveError);
  const set = <K extends keyof ScheduleDraft>(key: K, value: ScheduleDraft[K]) =>
    setDraft(d => ({ ...d, [key]: value }));
  const submit = () => {
    setSubmitted(true);
    if (validateSchedule(draft).length === 0) onSubmit(draft);
  };
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header={title}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" formAction="none" onClick={onDismiss}>
              {strings.common.cancel}
            </Button>
            <Button variant="primary" formAction="none" loading={saving} onClick={submit}>
              {strings.common.save}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <TextField
          label={t.fields.expression}
          description={t.fields.expressionDescription}
          value={draft.expression}
          error={errorFor(errors, 'expression')}
          onChange={value => set('expression', value)}
        />
        <FormField
          label={t.fields.timezone}
          description={t.fields.timezoneDescription}
          errorText={errorFor(errors, 'timezone')}
        >
          <Autosuggest
            value={draft.timezone}
            onChange={({ detail }) => set('timezone', detail.value)}
            options={zones}
            enteredTextLabel={value => value}
            ariaLabel={t.fields.timezone}
          />
        </FormField>
        <FormField description={t.fields.enabledDescription} errorText={errorFor(errors, 'enabled')}>
          <Toggle checked={draft.enabled} onChange={({ detail }) => set('enabled', detail.checked)}>
            {t.fields.enabled}
          </Toggle>
        </FormField>
        {errors.length === 0 ? <ApiErrorAlert error={saveError} /> : null}
      </SpaceBetween>
    </Modal>
  );
}
