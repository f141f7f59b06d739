import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useMemo } from 'react';
import { isActive, type ExecutionCommand } from '../../api/hooks/executions';
import type { Execution, ExecutionEvent, Permission, RecoveryPlan, WaveStatus } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { elapsedMinutes, formatDateTime, formatMinutes } from '../../common/format';
import { RouterLink } from '../../common/router-link';
import { ExecutionStatusBadge } from '../../common/status';
import { Gantt } from '../../gantt/gantt';
import { executionGantt } from '../../gantt/gantt-model';
import { waveGroups, type ServerCounts } from '../../graph/server-groups';
import { WaveGraph } from '../../graph/wave-graph';
import { strings } from '../../strings';
import { wavesAwaitingApproval } from '../../auth/permissions';
import { plannedSchedule } from '../report/model';
import { RunControls, WaveControls } from './controls';
import { EventsTable } from './events-table';
import { EvidencePack, type EvidencePackRequest } from './evidence-pack';
import { FailbackSection } from './failback/failback-section';
import { RunMode } from './failback/run-mode';
import { ServersTable } from './servers-table';

const t = strings.executions;

export interface ExecutionRootProps {
  /** The summary view: each wave's serverCounts, no server (the table pages them). */
  execution: Execution;
  /** The accounts and Regions of the plan's protection groups: the server table's filter menus. */
  targets: { accountIds: readonly string[]; regions: readonly string[] };
  plan: RecoveryPlan | undefined;
  events: ExecutionEvent[];
  eventsLoading: boolean;
  permissions: ReadonlySet<Permission>;
  live: boolean;
  now: Date;
  onCommand: (command: ExecutionCommand) => void;
  commandPending: boolean;
  commandError: unknown;
  evidence: EvidencePackRequest;
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Box variant="awsui-key-label">{label}</Box>
      <div>{children}</div>
    </div>
  );
}

export function ExecutionRoot(props: ExecutionRootProps) {
  const { execution, plan, events, eventsLoading, permissions, live, now, onCommand, commandPending, commandError } =
    props;
  const finished = !isActive(execution.status);
  const waveName = (id: string) =>
    execution.waves.find(w => w.id === id)?.name ?? plan?.waves.find(w => w.id === id)?.name ?? id;
  const graphWaves = useMemo(
    () =>
      execution.waves.map(w => ({
        id: w.id,
        name: w.name,
        dependsOn: plan?.waves.find(p => p.id === w.id)?.dependsOn ?? [],
      })),
    [execution.waves, plan],
  );
  const planned = useMemo(() => plannedSchedule(plan?.waves ?? []), [plan]);
  const statusByWave = useMemo(
    () => new Map<string, WaveStatus>(execution.waves.map(w => [w.id, w.status])),
    [execution.waves],
  );
  const countsByWave = useMemo(
    () => new Map<string, ServerCounts>(execution.waves.map(w => [w.id, waveGroups(w)])),
    [execution.waves],
  );
  const gantt = useMemo(() => executionGantt(execution, now, planned), [execution, now, planned]);
  const elapsed = elapsedMinutes(execution.startedAt, execution.endedAt, now);
  const awaiting = useMemo(() => wavesAwaitingApproval(events), [events]);
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            <>
              <RunMode mode={execution.mode} sourceExecutionId={execution.sourceExecutionId} />
              {` · ${plan?.name ?? execution.planId}`}
            </>
          }
          actions={
            <RunControls
              execution={execution}
              permissions={permissions}
              onCommand={onCommand}
              pending={commandPending}
            />
          }
        >
          {execution.id}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {commandError ? <ApiErrorAlert error={commandError} /> : null}
        <Container>
          <ColumnLayout columns={4} variant="text-grid">
            <Field label={t.status}>
              <SpaceBetween direction="horizontal" size="xs">
                <ExecutionStatusBadge status={execution.status} />
                {live ? <StatusIndicator type="loading">{t.polling}</StatusIndicator> : null}
              </SpaceBetween>
              {execution.statusReason ? <Box variant="small">{execution.statusReason}</Box> : null}
            </Field>
            <Field label={t.plan}>
              <RouterLink href={`/recovery-plans/${execution.planId}`}>{plan?.name ?? execution.planId}</RouterLink>
            </Field>
            <Field label={t.startedAt}>
              {formatDateTime(execution.startedAt ?? execution.createdAt)} ({execution.startedBy})
            </Field>
            <Field label={t.source}>
              {execution.pointInTime ? `${t.pointInTime}: ${formatDateTime(execution.pointInTime)}` : t.latestData}
            </Field>
            <Field label={t.duration}>
              {elapsed === null ? strings.common.none : formatMinutes(elapsed)}
              {live ? null : (
                <>
                  {' · '}
                  <RouterLink href={`/history/${execution.id}`}>{t.report}</RouterLink>
                </>
              )}
            </Field>
          </ColumnLayout>
        </Container>
        <FailbackSection execution={execution} planName={plan?.name ?? execution.planName} permissions={permissions} />
        <Container header={<Header variant="h2">{t.graph}</Header>}>
          <WaveGraph
            ariaLabel={t.graph}
            waves={graphWaves}
            statusByWave={statusByWave}
            countsByWave={countsByWave}
            height={260}
          />
        </Container>
        <WaveControls
          execution={execution}
          permissions={permissions}
          onCommand={onCommand}
          pending={commandPending}
          waveName={waveName}
          awaitingApproval={awaiting}
        />
        <Container header={<Header variant="h2">{t.timeline}</Header>}>
          {execution.waves.some(w => w.startedAt) ? (
            <Gantt model={gantt} ariaLabel={t.timeline} />
          ) : (
            <Box color="text-status-inactive">{t.timelineEmpty}</Box>
          )}
        </Container>
        <EvidencePack finished={finished} pack={props.evidence} />
        <ServersTable
          executionId={execution.id}
          waves={execution.waves}
          targets={props.targets}
          live={live}
          pointInTime={!!execution.pointInTime}
          waveName={waveName}
          now={now}
        />
        <EventsTable events={events} loading={eventsLoading} waveName={waveName} />
      </SpaceBetween>
    </ContentLayout>
  );
}
