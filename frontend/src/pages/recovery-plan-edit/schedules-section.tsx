import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useDeleteSchedule, useSaveSchedule, useSchedules } from '../../api/hooks/schedules';
import type { Permission, Schedule } from '../../api/types';
import { gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { GatedButton } from '../../common/gated-button';
import { strings } from '../../strings';
import { describeLastResult, draftToInput, formatInZone, NEW_SCHEDULE, scheduleToDraft } from './schedule-draft';
import { ScheduleForm } from './schedule-form';

const t = strings.schedules;

/** The plan's drill schedules: each one's next run in its own time zone and its last result; add, edit, delete. */
export function SchedulesSection({ planId, permissions }: { planId: string; permissions: ReadonlySet<Permission> }) {
  const schedules = useSchedules(planId);
  const save = useSaveSchedule(planId);
  const remove = useDeleteSchedule(planId);
  // undefined: no dialog; null: a new schedule; a schedule: editing it
  const [editing, setEditing] = useState<Schedule | null | undefined>(undefined);
  const writeGate = gate(permissions, 'edit-configuration');
  const close = () => {
    save.reset();
    setEditing(undefined);
  };
  const items = schedules.data ?? [];
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={t.description}
          counter={`(${items.length})`}
          actions={
            <GatedButton formAction="none" gate={writeGate} onClick={() => setEditing(null)}>
              {t.add}
            </GatedButton>
          }
        >
          {t.title}
        </Header>
      }
    >
      <SpaceBetween size="s">
        <ApiErrorAlert error={schedules.error ?? remove.error} />
        <Table
          variant="embedded"
          ariaLabels={{ tableLabel: t.title }}
          loading={schedules.isPending}
          loadingText={strings.common.loading}
          items={items}
          trackBy="id"
          empty={<Box textAlign="center">{t.empty}</Box>}
          columnDefinitions={[
            { id: 'expression', header: t.columns.expression, cell: s => <code>{s.expression}</code> },
            { id: 'timezone', header: t.columns.timezone, cell: s => s.timezone },
            {
              id: 'enabled',
              header: t.columns.enabled,
              cell: s => (
                <StatusIndicator type={s.enabled ? 'success' : 'stopped'}>
                  {s.enabled ? strings.common.yes : strings.common.no}
                </StatusIndicator>
              ),
            },
            { id: 'nextRun', header: t.columns.nextRun, cell: s => formatInZone(s.nextRunAt, s.timezone) },
            { id: 'lastResult', header: t.columns.lastResult, cell: s => describeLastResult(s) },
            {
              id: 'actions',
              header: '',
              cell: s => (
                <SpaceBetween direction="horizontal" size="xs">
                  <GatedButton formAction="none" variant="inline-link" gate={writeGate} onClick={() => setEditing(s)}>
                    {t.edit}
                  </GatedButton>
                  <GatedButton
                    formAction="none"
                    variant="inline-link"
                    gate={writeGate}
                    loading={remove.isPending && remove.variables?.id === s.id}
                    onClick={() => remove.mutate({ id: s.id, version: s.version ?? 1 })}
                  >
                    {t.delete}
                  </GatedButton>
                </SpaceBetween>
              ),
            },
          ]}
        />
      </SpaceBetween>
      {editing !== undefined ? (
        <ScheduleForm
          title={editing ? t.editTitle : t.createTitle}
          initial={editing ? scheduleToDraft(editing) : NEW_SCHEDULE}
          saving={save.isPending}
          saveError={save.error}
          onDismiss={close}
          onSubmit={draft =>
            save.mutate(
              { id: editing?.id, input: draftToInput(draft), version: editing?.version },
              { onSuccess: close },
            )
          }
        />
      ) : null}
    </Container>
  );
}
