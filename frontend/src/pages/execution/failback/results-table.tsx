import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import Header from '@cloudscape-design/components/header';
import type { CleanupResult, ReprotectResult } from '../../../api/hooks/failback';
import { strings } from '../../../strings';

const t = strings.failback;

const KIND = {
  REPROTECTED: 'success',
  ALREADY_PROTECTED: 'info',
  CLEANED_UP: 'success',
  ALREADY_CLEAN: 'info',
  FAILED: 'error',
} as const;

/** Per server, what re-protect did. */
export function ReprotectResults({ items }: { items: ReprotectResult[] }) {
  return (
    <Table
      variant="embedded"
      wrapLines
      header={<Header variant="h3">{t.reprotectResults}</Header>}
      ariaLabels={{ tableLabel: t.reprotectResults }}
      items={items}
      trackBy="sourceServerId"
      columnDefinitions={[
        { id: 'server', header: t.columns.server, cell: r => r.sourceServerId },
        {
          id: 'result',
          header: t.columns.result,
          cell: r => <StatusIndicator type={KIND[r.status]}>{t.reprotectStatus[r.status]}</StatusIndicator>,
        },
        { id: 'message', header: t.columns.message, cell: r => r.message },
      ]}
    />
  );
}

/** Per server, what the clean-up did to its recovery instance. */
export function CleanupResults({ items }: { items: CleanupResult[] }) {
  return (
    <Table
      variant="embedded"
      wrapLines
      header={<Header variant="h3">{t.cleanupResults}</Header>}
      ariaLabels={{ tableLabel: t.cleanupResults }}
      items={items}
      trackBy="sourceServerId"
      columnDefinitions={[
        { id: 'server', header: t.columns.server, cell: r => r.sourceServerId },
        { id: 'instance', header: t.columns.instance, cell: r => r.recoveryInstanceId ?? strings.common.none },
        {
          id: 'result',
          header: t.columns.result,
          cell: r => <StatusIndicator type={KIND[r.status]}>{t.cleanupStatus[r.status]}</StatusIndicator>,
        },
        { id: 'message', header: t.columns.message, cell: r => r.message },
      ]}
    />
  );
}
