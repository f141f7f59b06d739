import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { ExecutionStatus, HealthStatus, LaunchStatus, ReplicationState, Verdict, WaveStatus } from '../api/types';
import { strings } from '../strings';

type Kind = StatusIndicatorProps.Type;

const EXECUTION: Record<ExecutionStatus, Kind> = {
  PENDING: 'pending',
  RUNNING: 'in-progress',
  PAUSED: 'stopped',
  WAITING_APPROVAL: 'warning',
  CANCELLING: 'in-progress',
  SUCCEEDED: 'success',
  PARTIAL: 'warning',
  FAILED: 'error',
  CANCELLED: 'stopped',
};

const WAVE: Record<WaveStatus, Kind> = {
  PENDING: 'pending',
  PRE_ACTIONS: 'in-progress',
  LAUNCHING: 'in-progress',
  LAUNCHED: 'in-progress',
  HEALTH_CHECK: 'in-progress',
  POST_ACTIONS: 'in-progress',
  COMPLETED: 'success',
  FAILED: 'error',
  SKIPPED: 'stopped',
};

const LAUNCH: Record<LaunchStatus, Kind> = {
  PENDING: 'pending',
  IN_PROGRESS: 'in-progress',
  LAUNCHED: 'success',
  FAILED: 'error',
  TERMINATED: 'stopped',
};

const VERDICT: Record<Verdict, Kind> = { READY: 'success', WARNINGS: 'warning', BLOCKED: 'error' };

export type ReplicationHealth = 'healthy' | 'syncing' | 'stopped';

/** Replication states grouped the way an operator reads them: ready to launch, catching up, or not protected. */
export function replicationHealth(state: ReplicationState | null | undefined): ReplicationHealth {
  switch (state) {
    case 'CONTINUOUS':
      return 'healthy';
    case 'INITIATING':
    case 'INITIAL_SYNC':
    case 'BACKLOG':
    case 'CREATING_SNAPSHOT':
    case 'RESCAN':
    case 'PENDING_SNAPSHOT_SHIPPING':
    case 'SHIPPING_SNAPSHOT':
      return 'syncing';
    default:
      return 'stopped';
  }
}

const REPLICATION: Record<ReplicationHealth, Kind> = { healthy: 'success', syncing: 'in-progress', stopped: 'error' };

export const ExecutionStatusBadge = ({ status }: { status: ExecutionStatus }) => (
  <StatusIndicator type={EXECUTION[status]}>{status}</StatusIndicator>
);

export const WaveStatusBadge = ({ status }: { status: WaveStatus }) => (
  <StatusIndicator type={WAVE[status]}>{status}</StatusIndicator>
);

export const LaunchStatusBadge = ({ status }: { status: LaunchStatus | null }) =>
  status ? <StatusIndicator type={LAUNCH[status]}>{status}</StatusIndicator> : <>{strings.common.none}</>;

export const HealthBadge = ({ health }: { health: HealthStatus | null }) => {
  if (!health) return <>{strings.common.none}</>;
  const type: Kind = health === 'HEALTHY' ? 'success' : health === 'UNHEALTHY' ? 'error' : 'pending';
  return <StatusIndicator type={type}>{health}</StatusIndicator>;
};

export const VerdictBadge = ({ verdict }: { verdict: Verdict }) => (
  <StatusIndicator type={VERDICT[verdict]}>{strings.status.verdict[verdict]}</StatusIndicator>
);

export const ReplicationBadge = ({ state }: { state: ReplicationState | null | undefined }) => (
  <StatusIndicator type={REPLICATION[replicationHealth(state)]}>{state ?? strings.common.none}</StatusIndicator>
);
