// The API's canonical JSON (camelCase). Kept by hand in step with the REST API's shapes.

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface FieldError {
  name: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}

export type TagSelector = Record<string, string[]>;

export interface Audited {
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface ProtectionGroupInput {
  name: string;
  description: string;
  accountId: string;
  region: string;
  sourceServerIds: string[];
  tagSelector: TagSelector;
}

export interface ProtectionGroup extends ProtectionGroupInput, Audited {
  id: string;
}

export type ActionType = 'SSM_AUTOMATION' | 'SSM_RUN_COMMAND' | 'LAMBDA' | 'APPROVAL' | 'WAIT';
export type OnFailure = 'FAIL' | 'CONTINUE';

export interface ActionBase {
  type: ActionType;
  name: string;
  timeoutSeconds: number;
  onFailure: OnFailure;
}
export interface SsmAutomationAction extends ActionBase {
  type: 'SSM_AUTOMATION';
  documentName: string;
  parameters: Record<string, string[]>;
}
export interface SsmRunCommandAction extends ActionBase {
  type: 'SSM_RUN_COMMAND';
  documentName: string;
  parameters: Record<string, string[]>;
}
export interface LambdaAction extends ActionBase {
  type: 'LAMBDA';
  functionArn: string;
  payload: Record<string, unknown>;
}
export interface ApprovalAction extends ActionBase {
  type: 'APPROVAL';
  message: string;
}
export interface WaitAction extends ActionBase {
  type: 'WAIT';
  waitSeconds: number;
}
export type Action = SsmAutomationAction | SsmRunCommandAction | LambdaAction | ApprovalAction | WaitAction;

export type DependencyCondition = 'LAUNCHED' | 'HEALTHY' | 'COMPLETED';

export interface Dependency {
  waveId: string;
  condition: DependencyCondition;
}

export interface HealthCheck {
  documentName: string;
  parameters: Record<string, string[]>;
  timeoutSeconds: number;
}

export interface Wave {
  id: string;
  name: string;
  protectionGroupIds: string[];
  dependsOn: Dependency[];
  preActions: Action[];
  postActions: Action[];
  healthCheck: HealthCheck | null;
  pauseBefore: boolean;
  optionalServerIds: string[];
  timeoutMinutes: number;
}

export interface RecoveryPlanInput {
  name: string;
  description: string;
  rtoTargetMinutes: number;
  drillTtlHours: number;
  waves: Wave[];
}

export interface RecoveryPlan extends RecoveryPlanInput, Audited {
  id: string;
  lastDrill?: { executionId: string; status: ExecutionStatus; endedAt: string | null } | null;
}

export type Verdict = 'READY' | 'WARNINGS' | 'BLOCKED';
export type Severity = 'INFO' | 'WARNING' | 'BLOCKER';

export interface ReadinessReason {
  severity: Severity;
  code: string;
  message: string;
  sourceServerId?: string | null;
}

export interface ReadinessReport {
  planId: string;
  verdict: Verdict;
  reasons: ReadinessReason[];
  waves: { waveId: string; verdict: Verdict; reasons: ReadinessReason[] }[];
}

export type ExecutionMode = 'DRILL' | 'RECOVERY';
export type ExecutionStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'PAUSED'
  | 'CANCELLING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED';
export type WaveStatus =
  | 'PENDING'
  | 'PRE_ACTIONS'
  | 'LAUNCHING'
  | 'LAUNCHED'
  | 'HEALTH_CHECK'
  | 'POST_ACTIONS'
  | 'AWAITING_APPROVAL'
  | 'PAUSED'
  | 'COMPLETED'
  | 'FAILED'
  | 'SKIPPED'
  | 'CANCELLED';
export type LaunchStatus = 'PENDING' | 'IN_PROGRESS' | 'LAUNCHED' | 'FAILED' | 'TERMINATED';
export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'PENDING' | null;

export interface ExecutionServer {
  sourceServerId: string;
  jobId: string | null;
  launchStatus: LaunchStatus | null;
  drsPhase?: string | null;
  recoveryInstanceId: string | null;
  health: HealthStatus;
  impact?: 'CRITICAL' | 'OPTIONAL';
  startedAt?: string | null;
  endedAt?: string | null;
}

export interface ExecutionWave {
  id: string;
  status: WaveStatus;
  startedAt: string | null;
  endedAt: string | null;
  servers: ExecutionServer[];
}

export interface Execution {
  id: string;
  planId: string;
  planName?: string;
  planVersion: number;
  mode: ExecutionMode;
  status: ExecutionStatus;
  startedAt: string;
  endedAt: string | null;
  startedBy: string;
  waves: ExecutionWave[];
  instancesTerminated?: boolean;
}

export interface StartExecutionInput {
  planId: string;
  mode: ExecutionMode;
  confirmPlanName?: string;
}

export interface ExecutionEvent {
  timestamp: string;
  waveId?: string | null;
  sourceServerId?: string | null;
  jobId?: string | null;
  event: string;
  message: string;
}

export interface ReportServer {
  sourceServerId: string;
  launchStatus: LaunchStatus | null;
  health: HealthStatus;
  startedAt: string | null;
  endedAt: string | null;
}

export interface ReportWave {
  waveId: string;
  name: string;
  status: WaveStatus;
  plannedStartMinute: number;
  plannedDurationMinutes: number;
  startedAt: string | null;
  endedAt: string | null;
  servers: ReportServer[];
}

export interface ExecutionReport {
  executionId: string;
  planId: string;
  planName: string;
  mode: ExecutionMode;
  status: ExecutionStatus;
  startedAt: string;
  endedAt: string | null;
  rtoTargetMinutes: number;
  measuredRtoMinutes: number | null;
  waves: ReportWave[];
}

export type ReplicationState =
  | 'STOPPED'
  | 'INITIATING'
  | 'INITIAL_SYNC'
  | 'BACKLOG'
  | 'CREATING_SNAPSHOT'
  | 'CONTINUOUS'
  | 'PAUSED'
  | 'RESCAN'
  | 'STALLED'
  | 'DISCONNECTED'
  | 'PENDING_SNAPSHOT_SHIPPING'
  | 'SHIPPING_SNAPSHOT';

export interface SourceServer {
  sourceServerId: string;
  hostname: string;
  accountId: string;
  region: string;
  tags: Record<string, string>;
  replicationState: ReplicationState;
  lastLaunchResult: 'NOT_STARTED' | 'PENDING' | 'SUCCEEDED' | 'FAILED';
  recoveryInstanceId?: string | null;
  protectionGroupId?: string | null;
}

export interface SourceServerQuery {
  accountId?: string;
  region?: string;
  tags?: TagSelector;
}

export interface TargetAccount {
  accountId: string;
  name: string;
  roleArn: string;
  externalId?: string;
  regions: string[];
}

export interface AuditEntry {
  id: string;
  timestamp: string;
  user: string;
  action: string;
  resourceType: string;
  resourceId: string;
  detail?: string;
}

export type Permission =
  | 'protection-groups:write'
  | 'recovery-plans:write'
  | 'executions:drill'
  | 'executions:recovery'
  | 'executions:control'
  | 'executions:approve'
  | 'accounts:write';

export interface Me {
  user: string;
  email?: string;
  groups: string[];
  permissions: Permission[];
}
