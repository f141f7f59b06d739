import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';
import type { Gate } from '../auth/permissions';
import { strings } from '../strings';
import { errorLine } from './api-error-alert';
import { GatedButton } from './gated-button';

const ALLOWED: Gate = { allowed: true };

/** A form with Cancel and a submit button (gated by role), showing the API's error for the last save. */
export function EditForm({
  header,
  submitLabel,
  saving,
  saveError,
  onSubmit,
  onCancel,
  writeGate = ALLOWED,
  extraActions,
  children,
}: {
  header?: ReactNode;
  submitLabel: string;
  saving: boolean;
  saveError: unknown;
  onSubmit: () => void;
  onCancel: () => void;
  writeGate?: Gate;
  extraActions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form
      onSubmit={event => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Form
        header={header}
        errorText={saveError ? errorLine(saveError) : undefined}
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button formAction="none" variant="link" onClick={onCancel}>
              {strings.common.cancel}
            </Button>
            {extraActions}
            <GatedButton gate={writeGate} variant="primary" formAction="submit" loading={saving}>
              {submitLabel}
            </GatedButton>
          </SpaceBetween>
        }
      >
        {children}
      </Form>
    </form>
  );
}
