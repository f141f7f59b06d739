import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import { strings } from '../strings';

export function EmptyState({
  title,
  subtitle,
  action,
}: {
  title: string;
  subtitle?: string;
  action?: React.ReactNode;
}) {
  return (
    <Box textAlign="center" color="inherit">
      <Box variant="strong" textAlign="center" color="inherit">
        {title}
      </Box>
      {subtitle ? (
        <Box variant="p" padding={{ bottom: 's' }} color="inherit">
          {subtitle}
        </Box>
      ) : null}
      {action}
    </Box>
  );
}

export function NoMatchState({ onClear }: { onClear: () => void }) {
  return (
    <EmptyState
      title={strings.common.noMatch}
      subtitle={strings.common.noMatchDescription}
      action={<Button onClick={onClear}>{strings.common.clearFilter}</Button>}
    />
  );
}
