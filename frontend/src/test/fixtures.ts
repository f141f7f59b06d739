import type { Execution, ExecutionServer, ExecutionWave, RtoMeasurement } from '../api/types';

// Builders of the API's execution shapes with every field present, for tests to override what matters.

export function server(over: Partial<ExecutionServer> = {}): ExecutionServer {
  return {
    sourceServerId: 's-1',
    batchId: null,
    jobId: null,
    launchStatus: null,
    launchedAt: null,
    health: null,
    healthyAt: null,
    impact: 'CRITICAL',
    recoveryInstanceId: null,
    error: null,
    ...over,
  };
}

export function wave(over: Partial<ExecutionWave> = {}): ExecutionWave {
  return {
    id: 'db',
    name: 'Databases',
    status: 'PENDING',
    reason: null,
    skipCause: null,
    startedAt: null,
    endedAt: null,
    servers: [],
    ...over,
  };
}

export function rto(over: Partial<RtoMeasurement> = {}): RtoMeasurement {
  return {
    targetMinutes: 60,
    startedAt: null,
    recoveredAt: null,
    measuredSeconds: null,
    elapsedSeconds: null,
    met: null,
    criticalServers: 0,
    recoveredCriticalServers: 0,
    ...over,
  };
}

export function execution(over: Partial<Execution> = {}): Execution {
  return {
    id: 'ex-1',
    planId: 'rp-1',
    planName: 'shop-dr',
    planVersion: 1,
    mode: 'DRILL',
    status: 'RUNNING',
    statusReason: null,
    createdAt: '2026-01-01T10:00:00Z',
    startedAt: '2026-01-01T10:00:00Z',
    endedAt: null,
    startedBy: 'op',
    rto: rto(),
    waves: [],
    ...over,
  };
}
