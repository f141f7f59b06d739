import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useStartExecution } from '../../../api/hooks/executions';
import { useConnectFailbackClients, useFailbackReadiness } from '../../../api/hooks/failback';
import type { Execution, Permission } from '../../../api/types';
import { ApiErrorAlert } from '../../../common/api-error-alert';
import { errorFor, mergeFieldErrors } from '../../../common/field-errors';
import { GatedButton } from '../../../common/gated-button';
import { strings } from '../../../strings';
import { ClientConnectionsResult } from './connect-clients';
import { failbackGate } from './gates';
import { FailbackReadinessTable } from './readiness-table';

const t = strings.failback;

/** The readiness part of the dialog: checking, the check's failure, or who is not ready. */
function ReadinessResult({ readiness }: { readiness: ReturnType<typeof useFailbackReadiness> }) {
  const { check, error, loading } = readiness;
  if (error) return <ApiErrorAlert error={error} />;
  if (loading || check === undefined) return <StatusIndicator type="loading">{t.checking}</StatusIndicator>;
  if (check.status === 'FAILED') return <Alert type="error">{check.error}</Alert>;
  if (check.status !== 'COMPLETED') return <StatusIndicator type="loading">{t.checking}</StatusIndicator>;
  return <FailbackReadinessTable report={check.report} />;
}

/**
 * Fail back a finished RECOVERY run: the failback readiness check names who is not ready, the plan's name is typed
 * to confirm, and the FAILBACK run starts (the live view of the new run opens). In local mode the failback clients
 * can be connected from here for the demo.
 */
export function FailbackModal({
  recovery,
  planName,
  permissions,
  onDismiss,
}: {
  recovery: Pick<Execution, 'id' | 'planId' | 'mode' | 'status'>;
  planName: string;
  permissions: ReadonlySet<Permission>;
  onDismiss: () => void;
}) {
  const navigate = useNavigate();
  const start = useStartExecution();
  const readiness = useFailbackReadiness(recovery.planId, recovery.id);
  const connect = useConnectFailbackClients(recovery.id);
  const [typed, setTyped] = useState('');
  const gate = failbackGate(recovery, permissions);
  const confirmed = typed === planName;
  const errors = mergeFieldErrors([], start.error);
  const { run } = readiness;
  useEffect(() => run(), [run]);
  const submit = () =>
    start.mutate(
      { planId: recovery.planId, mode: 'FAILBACK', sourceExecutionId: recovery.id, confirmPlanName: typed },
      { onSuccess: ({ executionId }) => navigate(`/executions/${executionId}`) },
    );
  return (
    <Modal
      visible
      size="max"
      onDismiss={onDismiss}
      header={t.dialogTitle(planName)}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              {strings.common.cancel}
            </Button>
            <GatedButton gate={gate} variant="primary" disabled={!confirmed} loading={start.isPending} onClick={submit}>
              {t.startFailback}
            </GatedButton>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box>{t.recoveryDescription}</Box>
        <SpaceBetween size="s">
          <Box variant="h3">{t.readiness}</Box>
          <ReadinessResult readiness={readiness} />
          <SpaceBetween direction="horizontal" size="xs">
            <Button disabled={readiness.loading} onClick={run}>
              {t.checkAgain}
            </Button>
            {connect.available ? (
              <GatedButton
                gate={gate}
                loading={connect.isPending}
                onClick={() => connect.mutate(undefined, { onSuccess: () => run() })}
              >
                {t.connectClients}
              </GatedButton>
            ) : null}
          </SpaceBetween>
          {connect.error ? <ApiErrorAlert error={connect.error} /> : null}
          {connect.data ? <ClientConnectionsResult result={connect.data} /> : null}
        </SpaceBetween>
        <FormField
          label={t.confirmLabel(planName)}
          errorText={
            errorFor(errors, 'confirmPlanName') ?? (typed !== '' && !confirmed ? t.confirmMismatch : undefined)
          }
        >
          <Input value={typed} onChange={({ detail }) => setTyped(detail.value)} ariaLabel={t.confirmLabel(planName)} />
        </FormField>
        {!gate.allowed ? <Alert type="info">{gate.reason}</Alert> : null}
        {start.error ? <ApiErrorAlert error={start.error} hideFields /> : null}
      </SpaceBetween>
    </Modal>
  );
}
