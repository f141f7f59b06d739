import Box from '@cloudscape-design/components/box';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useDeferredValue, useState } from 'react';
import { useSourceServers } from '../../api/hooks/drs';
import type { FieldError, ProtectionGroup, SourceServer } from '../../api/types';
import { paginationLabels } from '../../common/collection-table';
import { ReplicationBadge } from '../../common/status';
import { EmptyState } from '../../common/table-states';
import { usePagedInfinite } from '../../common/use-paged-infinite';
import { strings } from '../../strings';

const t = strings.groups;

export interface ServerPickerProps {
  accountId: string;
  region: string;
  /** The other group holding each server (one group per server). */
  owners: ReadonlyMap<string, ProtectionGroup>;
  selectedIds: string[];
  onChange: (ids: string[]) => void;
  /** The API's field errors for `sourceServerIds` / `sourceServerIds[i]` (e.g. a server already in another group). */
  errors: FieldError[];
}

/** The columns every table of DRS source servers shows. */
export const inventoryColumns: TableProps.ColumnDefinition<SourceServer>[] = [
  { id: 'id', header: t.serverColumns.id, cell: s => s.sourceServerId },
  { id: 'hostname', header: t.serverColumns.hostname, cell: s => s.hostname },
  {
    id: 'replication',
    header: t.serverColumns.replication,
    cell: s => <ReplicationBadge state={s.replicationState} />,
  },
  { id: 'launch', header: t.serverColumns.lastLaunch, cell: s => lastLaunchText(s) },
];

export function lastLaunchText(server: SourceServer): string {
  const last = server.lastLaunch;
  return last ? `${last.launchType} ${last.status ?? ''}`.trim() : strings.common.never;
}

/** The error messages that concern one server: by its index in the selection, or naming its id. */
export function serverErrors(
  errors: readonly FieldError[],
  selectedIds: readonly string[],
  serverId: string,
): string[] {
  const index = selectedIds.indexOf(serverId);
  return errors
    .filter(e => (index >= 0 && e.name === `sourceServerIds[${index}]`) || e.message.includes(serverId))
    .map(e => e.message);
}

/**
 * A server-side paged picker over the DRS inventory of one account and Region (thousands of servers),
 * searched by host name or id on the server.
 */
export function ServerPicker({ accountId, region, owners, selectedIds, onChange, errors }: ServerPickerProps) {
  const ready = accountId !== '' && region !== '';
  const [searchText, setSearchText] = useState('');
  const search = useDeferredValue(searchText.trim());
  const paged = usePagedInfinite(useSourceServers({ accountId, region, search }, ready));
  const selected = new Set(selectedIds);
  const selectedOnPage = paged.items.filter(s => selected.has(s.sourceServerId));
  const listErrors = errors.filter(e => e.name === 'sourceServerIds').map(e => e.message);

  return (
    <FormField
      label={t.fields.servers}
      description={t.fields.serversDescription}
      errorText={listErrors.join(' ') || undefined}
      stretch
    >
      <Table
        header={
          <Header variant="h2" counter={t.selectedCount(selectedIds.length)}>
            {t.fields.servers}
          </Header>
        }
        items={paged.items}
        loading={ready && paged.loading}
        loadingText={strings.common.loading}
        trackBy="sourceServerId"
        selectionType="multi"
        selectedItems={selectedOnPage}
        isItemDisabled={server => owners.has(server.sourceServerId) && !selected.has(server.sourceServerId)}
        onSelectionChange={({ detail }) => {
          const onPage = new Set(paged.items.map(s => s.sourceServerId));
          const kept = selectedIds.filter(id => !onPage.has(id));
          onChange([...kept, ...detail.selectedItems.map(s => s.sourceServerId)]);
        }}
        ariaLabels={{
          tableLabel: t.fields.servers,
          itemSelectionLabel: (_, server) => server.hostname || server.sourceServerId,
          allItemsSelectionLabel: () => t.fields.servers,
          selectionGroupLabel: t.fields.servers,
        }}
        filter={
          <TextFilter
            filteringText={searchText}
            filteringPlaceholder={t.searchServers}
            filteringAriaLabel={t.searchServers}
            onChange={({ detail }) => setSearchText(detail.filteringText)}
          />
        }
        empty={<EmptyState title={!ready ? t.chooseAccount : search ? t.searchEmpty : t.inventoryEmpty} />}
        pagination={
          <Pagination
            currentPageIndex={paged.pageIndex}
            pagesCount={paged.pagesCount}
            openEnd={paged.openEnd}
            onChange={({ detail }) => paged.setPageIndex(detail.currentPageIndex)}
            ariaLabels={paginationLabels}
          />
        }
        columnDefinitions={[
          ...inventoryColumns,
          {
            id: 'group',
            header: t.serverColumns.group,
            cell: s => {
              const messages = serverErrors(errors, selectedIds, s.sourceServerId);
              const owner = owners.get(s.sourceServerId);
              if (messages.length > 0) return <StatusIndicator type="error">{messages.join(' ')}</StatusIndicator>;
              if (owner) return <StatusIndicator type="warning">{`${t.conflict}: ${owner.name}`}</StatusIndicator>;
              return <Box>{strings.common.none}</Box>;
            },
          },
        ]}
      />
    </FormField>
  );
}
