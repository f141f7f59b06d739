import { useServerClock } from '../../api/context';
import { useExecutions } from '../../api/hooks/executions';
import { HistoryRoot } from './root';

export default function HistoryPage() {
  const clock = useServerClock();
  const executions = useExecutions();
  return (
    <HistoryRoot
      executions={executions.data ?? []}
      loading={executions.isPending}
      error={executions.error}
      now={clock.now()}
    />
  );
}
