import { isActive } from '../../../api/hooks/executions';
import type { Execution, ExecutionStatus, Permission } from '../../../api/types';
import { startGate, type Gate } from '../../../auth/permissions';
import { strings } from '../../../strings';

const t = strings.failback.gating;
const ALLOWED: Gate = { allowed: true };
const ENDED_WELL: ReadonlySet<ExecutionStatus> = new Set(['SUCCEEDED', 'PARTIAL']);

/** The first refusal, else allowed. */
function first(...gates: Gate[]): Gate {
  return gates.find(g => !g.allowed) ?? ALLOWED;
}

const when = (condition: boolean, reason: string): Gate => (condition ? ALLOWED : { allowed: false, reason });

type Run = Pick<Execution, 'mode' | 'status'>;

/** "Fail back" on a RECOVERY run: the recovery permission (as "Start recovery"), once it ended SUCCEEDED or PARTIAL. */
export function failbackGate(run: Run, permissions: ReadonlySet<Permission>): Gate {
  return first(
    startGate(permissions, 'FAILBACK'),
    when(!isActive(run.status), t.notFinished),
    when(run.mode === 'RECOVERY' && ENDED_WELL.has(run.status), t.notRecovered),
  );
}

/** "Re-protect" on a FAILBACK run that ended SUCCEEDED or PARTIAL. */
export function reprotectGate(run: Run, permissions: ReadonlySet<Permission>): Gate {
  return first(
    startGate(permissions, 'FAILBACK'),
    when(!isActive(run.status), t.notFinished),
    when(run.mode === 'FAILBACK' && ENDED_WELL.has(run.status), t.notFailedBack),
  );
}

/** The clean-up on any finished FAILBACK run. */
export function cleanupGate(run: Run, permissions: ReadonlySet<Permission>): Gate {
  return first(
    startGate(permissions, 'FAILBACK'),
    when(run.mode === 'FAILBACK' && !isActive(run.status), t.notFinished),
  );
}
