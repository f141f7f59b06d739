import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useMemo, useState } from 'react';
import type { ServerQuery, ServerStatusFilter } from '../../api/hooks/executions';
import type { ExecutionWave } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { paginationLabels } from '../../common/collection-table';
import { formatSnapshot } from '../../common/format';
import { HealthBadge, LaunchStatusBadge } from '../../common/status';
import { EmptyState, NoMatchState } from '../../common/table-states';
import { waveTotal } from '../../graph/server-groups';
import { strings } from '../../strings';
import { useServerPages } from './server-pages';
import { choices, matchesText, matchingCount, pageRows, phaseText, statusChoices, type ServerRow } from './server-rows';

const c = strings.executions.serverColumns;
const f = strings.executions.serverFilters;

export { SERVER_PAGE_SIZE } from '../../api/hooks/executions';

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

export interface ServersTableProps {
  executionId: string;
  /** The summary's waves: the wave menu (plan order), and the counts the header and status menu show. */
  waves: readonly ExecutionWave[];
  /** The accounts and Regions the run's servers may be in (its protection groups'), for the filter menus. */
  targets: { accountIds: readonly string[]; regions: readonly string[] };
  live: boolean;
  pointInTime: boolean;
  waveName: (id: string) => string;
  now: Date;
}

/**
 * The run's servers, a page at a time from the API with the wave, status, account and Region filters applied there:
 * a run of 4,000 servers costs one page a poll. The text filter narrows the page shown.
 */
export function ServersTable({ executionId, waves, targets, live, pointInTime, waveName, now }: ServersTableProps) {
  const [where, setWhere] = useState<ServerQuery>({});
  const [text, setText] = useState('');
  const pages = useServerPages(executionId, where, live);
  const rows = useMemo(() => pageRows(pages.items), [pages.items]);
  const shown = useMemo(() => rows.filter(r => matchesText(r, text)), [rows, text]);
  const total = waves.reduce((sum, w) => sum + waveTotal(w), 0);
  const matching = matchingCount(waves, where);
  const choose = (key: keyof ServerQuery) => (value: string | undefined) =>
    setWhere(current => ({ ...current, [key]: value }));
  const clear = () => {
    setText('');
    setWhere({});
  };
  const narrowed = Object.values(where).some(v => v !== undefined);
  return (
    <SpaceBetween size="s">
      {pages.error ? <ApiErrorAlert error={pages.error} /> : null}
      <Table<ServerRow>
        items={shown}
        trackBy="key"
        variant="container"
        loading={pages.loading && rows.length === 0}
        loadingText={strings.executions.servers}
        ariaLabels={{ tableLabel: strings.executions.servers }}
        empty={
          narrowed || text ? <NoMatchState onClear={clear} /> : <EmptyState title={strings.executions.timelineEmpty} />
        }
        header={
          <Header
            variant="h2"
            counter={matching === undefined || matching === total ? `(${total})` : `(${matching}/${total})`}
          >
            {strings.executions.servers}
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="xs">
            <TextFilter
              filteringText={text}
              onChange={({ detail }) => setText(detail.filteringText)}
              filteringPlaceholder={f.onThisPage}
              filteringAriaLabel={f.onThisPage}
              countText={strings.common.matches(shown.length)}
            />
            <FilterSelect
              label={f.wave}
              value={where.waveId}
              values={waves.map(w => w.id)}
              describe={waveName}
              onChange={choose('waveId')}
            />
            <FilterSelect
              label={f.status}
              value={where.status}
              values={statusChoices(waves, where.status)}
              describe={v => (v === 'NOT_STARTED' ? f.notStarted : v)}
              onChange={v => choose('status')(v as ServerStatusFilter | undefined)}
            />
            <FilterSelect
              label={f.account}
              value={where.accountId}
              values={choices(
                targets.accountIds,
                rows.map(r => r.accountId),
                [where.accountId],
              )}
              describe={v => v}
              onChange={choose('accountId')}
            />
            <FilterSelect
              label={f.region}
              value={where.region}
              values={choices(
                targets.regions,
                rows.map(r => r.region),
                [where.region],
              )}
              describe={v => v}
              onChange={choose('region')}
            />
            {narrowed ? <Button onClick={clear}>{f.clear}</Button> : null}
          </SpaceBetween>
        }
        pagination={
          <Pagination
            currentPageIndex={pages.pageIndex}
            pagesCount={pages.pagesCount}
            openEnd={pages.openEnd}
            ariaLabels={paginationLabels}
            onChange={({ detail }) => pages.setPageIndex(detail.currentPageIndex)}
          />
        }
        columnDefinitions={[
          { id: 'wave', header: c.wave, cell: r => waveName(r.waveId) },
          { id: 'server', header: c.server, cell: r => r.sourceServerId },
          { id: 'launch', header: c.launch, cell: r => <LaunchStatusBadge status={r.launchStatus} /> },
          { id: 'phase', header: c.phase, cell: r => phaseText(r, now) },
          { id: 'health', header: c.health, cell: r => <HealthBadge health={r.health} /> },
          { id: 'account', header: f.account, cell: r => r.accountId ?? strings.common.none },
          { id: 'region', header: f.region, cell: r => r.region ?? strings.common.none },
          { id: 'impact', header: c.impact, cell: r => r.impact },
          { id: 'error', header: c.error, cell: r => r.error ?? strings.common.none },
          { id: 'instance', header: c.instance, cell: r => r.recoveryInstanceId ?? strings.common.none },
          ...(pointInTime ? [{ id: 'snapshot', header: c.snapshot, cell: (r: ServerRow) => formatSnapshot(r) }] : []),
        ]}
      />
    </SpaceBetween>
  );
}
