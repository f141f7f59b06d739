import type { ExecutionMode } from '../../../api/types';
import { RouterLink } from '../../../common/router-link';
import { strings } from '../../../strings';

/** A run's mode; a failback names the recovery it brings back, as a link to that run. */
export function RunMode({ mode, sourceExecutionId }: { mode: ExecutionMode; sourceExecutionId?: string | null }) {
  if (mode !== 'FAILBACK' || !sourceExecutionId) return <>{strings.executions.modes[mode]}</>;
  return (
    <>
      {strings.failback.failbackOf}{' '}
      <RouterLink href={`/executions/${sourceExecutionId}`}>{sourceExecutionId}</RouterLink>
    </>
  );
}
