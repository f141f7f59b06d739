import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useServerClock } from '../../api/context';
import { useStartExecution } from '../../api/hooks/executions';
import type { ExecutionMode, Permission, RecoveryPlan } from '../../api/types';
import { startGate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { errorFor, mergeFieldErrors } from '../../common/field-errors';
import { GatedButton } from '../../common/gated-button';
import { strings } from '../../strings';
import { inFuture, pointInTimeOf } from './point-in-time';
import { PointInTimeField, type PointInTimeValue } from './point-in-time-field';

const t = strings.executions;

/** Why the chosen point in time cannot be used yet; undefined when it can (or the latest data is chosen). */
export function pointInTimeProblem(value: PointInTimeValue, now: Date): string | undefined {
  if (value.source === 'LATEST') return undefined;
  const iso = pointInTimeOf(value.date, value.time);
  if (!iso) return value.date || value.time ? t.pointInTimeIncomplete : undefined;
  return inFuture(iso, now) ? t.pointInTimeInFuture : undefined;
}

/** A recovery needs the plan's name typed exactly; a drill needs no confirmation. */
export function confirmationOk(mode: ExecutionMode, typed: string, planName: string): boolean {
  return mode === 'DRILL' || typed === planName;
}

export function StartModal({
  plan,
  permissions,
  initialMode,
  onDismiss,
}: {
  plan: Pick<RecoveryPlan, 'id' | 'name'>;
  permissions: ReadonlySet<Permission>;
  initialMode: ExecutionMode;
  onDismiss: () => void;
}) {
  const navigate = useNavigate();
  const start = useStartExecution();
  const clock = useServerClock();
  const [mode, setMode] = useState<ExecutionMode>(initialMode);
  const [typed, setTyped] = useState('');
  const [data, setData] = useState<PointInTimeValue>({ source: 'LATEST', date: '', time: '' });
  const allowed = startGate(permissions, mode);
  const confirmed = confirmationOk(mode, typed, plan.name);
  const errors = mergeFieldErrors([], start.error);
  const pointInTime = data.source === 'POINT_IN_TIME' ? pointInTimeOf(data.date, data.time) : undefined;
  // the product's clock, not the browser's: local mode runs on simulated time
  const problem = pointInTimeProblem(data, clock.now());
  const ready = data.source === 'LATEST' || (pointInTime !== undefined && problem === undefined);
  const submit = () =>
    start.mutate(
      {
        planId: plan.id,
        mode,
        ...(mode === 'RECOVERY' ? { confirmPlanName: typed } : {}),
        ...(pointInTime ? { pointInTime } : {}),
      },
      { onSuccess: ({ executionId }) => navigate(`/executions/${executionId}`) },
    );
  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header={t.startTitle(plan.name)}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              {strings.common.cancel}
            </Button>
            <GatedButton
              gate={allowed}
              variant="primary"
              disabled={!confirmed || !ready}
              loading={start.isPending}
              onClick={submit}
            >
              {mode === 'DRILL' ? t.startDrill : t.startRecovery}
            </GatedButton>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <FormField label={t.mode} errorText={errorFor(errors, 'mode')}>
          <RadioGroup
            value={mode}
            onChange={({ detail }) => setMode(detail.value as ExecutionMode)}
            items={(['DRILL', 'RECOVERY'] as const).map(value => ({
              value,
              label: t.modes[value],
              description: t.modeDescriptions[value],
            }))}
          />
        </FormField>
        <PointInTimeField
          planId={plan.id}
          value={data}
          pointInTime={pointInTime}
          problem={problem ?? errorFor(errors, 'pointInTime')}
          onChange={setData}
        />
        {mode === 'RECOVERY' ? (
          <FormField
            label={t.confirmLabel(plan.name)}
            errorText={
              errorFor(errors, 'confirmPlanName') ?? (typed !== '' && !confirmed ? t.confirmMismatch : undefined)
            }
          >
            <Input
              value={typed}
              onChange={({ detail }) => setTyped(detail.value)}
              ariaLabel={t.confirmLabel(plan.name)}
            />
          </FormField>
        ) : null}
        {!allowed.allowed ? <Alert type="info">{allowed.reason}</Alert> : null}
        {start.error ? <ApiErrorAlert error={start.error} hideFields /> : null}
      </SpaceBetween>
    </Modal>
  );
}
