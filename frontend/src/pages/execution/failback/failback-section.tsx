import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { useFailbackCleanup, useReprotect } from '../../../api/hooks/failback';
import type { Execution, Permission } from '../../../api/types';
import { ApiErrorAlert } from '../../../common/api-error-alert';
import { ConfirmModal } from '../../../common/confirm-modal';
import { GatedButton } from '../../../common/gated-button';
import { strings } from '../../../strings';
import { FailbackModal } from './failback-modal';
import { cleanupGate, failbackGate, reprotectGate } from './gates';
import { CleanupResults, ReprotectResults } from './results-table';

const t = strings.failback;

type Run = Pick<Execution, 'id' | 'planId' | 'mode' | 'status'>;

interface SectionProps {
  execution: Run;
  planName: string;
  permissions: ReadonlySet<Permission>;
}

/** On a RECOVERY run: "Fail back", which opens the failback dialog. */
function RecoverySection({ execution, planName, permissions }: SectionProps) {
  const [open, setOpen] = useState(false);
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={t.recoveryDescription}
          actions={
            <GatedButton gate={failbackGate(execution, permissions)} onClick={() => setOpen(true)}>
              {t.failBack}
            </GatedButton>
          }
        >
          {t.section}
        </Header>
      }
    >
      {open ? (
        <FailbackModal
          recovery={execution}
          planName={planName}
          permissions={permissions}
          onDismiss={() => setOpen(false)}
        />
      ) : null}
    </Container>
  );
}

/** On a FAILBACK run: re-protect, and the confirmed clean-up, each with its per-server results. */
function FailbackRunSection({ execution, permissions }: SectionProps) {
  const reprotect = useReprotect(execution.id);
  const cleanup = useFailbackCleanup(execution.id);
  const [confirming, setConfirming] = useState(false);
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={t.failbackDescription}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <GatedButton
                gate={reprotectGate(execution, permissions)}
                variant="primary"
                loading={reprotect.isPending}
                onClick={() => reprotect.mutate()}
              >
                {t.reprotect}
              </GatedButton>
              <GatedButton
                gate={cleanupGate(execution, permissions)}
                loading={cleanup.isPending}
                onClick={() => setConfirming(true)}
              >
                {t.cleanup}
              </GatedButton>
            </SpaceBetween>
          }
        >
          {t.section}
        </Header>
      }
    >
      <SpaceBetween size="m">
        {reprotect.error ? <ApiErrorAlert error={reprotect.error} /> : null}
        {reprotect.data ? <ReprotectResults items={reprotect.data} /> : null}
        {cleanup.error ? <ApiErrorAlert error={cleanup.error} /> : null}
        {cleanup.data ? <CleanupResults items={cleanup.data} /> : null}
      </SpaceBetween>
      <ConfirmModal
        visible={confirming}
        text={t.cleanupConfirm}
        confirmLabel={t.cleanup}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          cleanup.mutate();
        }}
      />
    </Container>
  );
}

/** The failback part of a run's page: nothing for a drill. */
export function FailbackSection(props: SectionProps) {
  if (props.execution.mode === 'RECOVERY') return <RecoverySection {...props} />;
  if (props.execution.mode === 'FAILBACK') return <FailbackRunSection {...props} />;
  return null;
}
