import { useCollection } from '@cloudscape-design/collection-hooks';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useMemo, useState } from 'react';
import type { Execution } from '../../api/types';
import { paginationLabels } from '../../common/collection-table';
import { formatSnapshot } from '../../common/format';
import { HealthBadge, LaunchStatusBadge } from '../../common/status';
import { EmptyState, NoMatchState } from '../../common/table-states';
import { strings } from '../../strings';
import {
  filterChoices,
  matchesFilters,
  phaseText,
  serverRows,
  type LaunchFilterValue,
  type ServerFilters,
  type ServerRow,
} from './server-rows';

const c = strings.executions.serverColumns;
const f = strings.executions.serverFilters;

/** Rows a page: a run of 4,000 servers renders one page at a time, filtered and sorted in memory. */
export const SERVER_PAGE_SIZE = 50;

type Choice = keyof Omit<ServerFilters, 'text'>;

function FilterSelect({
  label,
  value,
  values,
  describe,
  onChange,
}: {
  label: string;
  value: string | undefined;
  values: readonly string[];
  describe: (value: string) => string;
  onChange: (value: string | undefined) => void;
}) {
  const any: SelectProps.Option = { value: '', label: f.any(label) };
  const options = [any, ...values.map(v => ({ value: v, label: describe(v) }))];
  return (
    <Select
      ariaLabel={label}
      inlineLabelText={label}
      selectedOption={options.find(o => o.value === (value ?? '')) ?? any}
      options={options}
      onChange={({ detail }) => onChange(detail.selectedOption.value || undefined)}
    />
  );
}

/** Every server of the run, a page at a time, filtered by wave, launch status, account and Region. */
export function ServersTable({
  execution,
  waveName,
  now,
}: {
  execution: Execution;
  waveName: (id: string) => string;
  now: Date;
}) {
  const rows = useMemo(() => serverRows(execution), [execution]);
  const choices = useMemo(() => filterChoices(rows), [rows]);
  const [filters, setFilters] = useState<ServerFilters>({});
  const { items, actions, filteredItemsCount, collectionProps, filterProps, paginationProps } =
    useCollection<ServerRow>(rows, {
      filtering: {
        empty: <EmptyState title={strings.executions.timelineEmpty} />,
        noMatch: <NoMatchState onClear={() => clear()} />,
        filteringFunction: (row, text) => matchesFilters(row, { ...filters, text }),
      },
      pagination: { pageSize: SERVER_PAGE_SIZE },
      sorting: {},
    });
  const choose = (key: Choice) => (value: string | undefined) => {
    setFilters(current => ({ ...current, [key]: value }));
    actions.setCurrentPage(1);
  };
  function clear() {
    actions.setFiltering('');
    setFilters({});
  }
  const narrowed = Object.values(filters).some(v => v !== undefined);
  return (
    <Table<ServerRow>
      {...collectionProps}
      items={items}
      trackBy="key"
      variant="container"
      ariaLabels={{ tableLabel: strings.executions.servers }}
      header={
        <Header variant="h2" counter={`(${rows.length})`}>
          {strings.executions.servers}
        </Header>
      }
      filter={
        <SpaceBetween direction="horizontal" size="xs">
          <TextFilter
            {...filterProps}
            filteringPlaceholder={strings.common.filterPlaceholder(strings.executions.servers.toLowerCase())}
            filteringAriaLabel={strings.common.filterPlaceholder(strings.executions.servers.toLowerCase())}
            countText={strings.common.matches(filteredItemsCount ?? 0)}
          />
          <FilterSelect
            label={f.wave}
            value={filters.waveId}
            values={choices.waveIds}
            describe={waveName}
            onChange={choose('waveId')}
          />
          <FilterSelect
            label={f.status}
            value={filters.launch}
            values={choices.launches}
            describe={v => (v === 'NOT_STARTED' ? f.notStarted : v)}
            onChange={v => choose('launch')(v as LaunchFilterValue | undefined)}
          />
          <FilterSelect
            label={f.account}
            value={filters.accountId}
            values={choices.accountIds}
            describe={v => v}
            onChange={choose('accountId')}
          />
          <FilterSelect
            label={f.region}
            value={filters.region}
            values={choices.regions}
            describe={v => v}
            onChange={choose('region')}
          />
          {narrowed ? <Button onClick={clear}>{f.clear}</Button> : null}
        </SpaceBetween>
      }
      pagination={<Pagination {...paginationProps} ariaLabels={paginationLabels} />}
      columnDefinitions={[
        { id: 'wave', header: c.wave, cell: r => waveName(r.waveId), sortingField: 'waveId' },
        { id: 'server', header: c.server, cell: r => r.sourceServerId, sortingField: 'sourceServerId' },
        {
          id: 'launch',
          header: c.launch,
          cell: r => <LaunchStatusBadge status={r.launchStatus} />,
          sortingField: 'launch',
        },
        { id: 'phase', header: c.phase, cell: r => phaseText(r, now) },
        { id: 'health', header: c.health, cell: r => <HealthBadge health={r.health} /> },
        { id: 'account', header: f.account, cell: r => r.accountId ?? strings.common.none, sortingField: 'accountId' },
        { id: 'region', header: f.region, cell: r => r.region ?? strings.common.none, sortingField: 'region' },
        { id: 'impact', header: c.impact, cell: r => r.impact },
        { id: 'error', header: c.error, cell: r => r.error ?? strings.common.none },
        { id: 'instance', header: c.instance, cell: r => r.recoveryInstanceId ?? strings.common.none },
        ...(execution.pointInTime
          ? [{ id: 'snapshot', header: c.snapshot, cell: (r: ServerRow) => formatSnapshot(r) }]
          : []),
      ]}
    />
  );
}
