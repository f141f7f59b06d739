import { useCollection } from '@cloudscape-design/collection-hooks';
import Pagination from '@cloudscape-design/components/pagination';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import type { ReactNode } from 'react';
import { strings } from '../strings';
import { NoMatchState } from './table-states';

export interface CollectionTableProps<T> {
  items: readonly T[];
  columns: TableProps.ColumnDefinition<T>[];
  header: ReactNode;
  empty: ReactNode;
  loading?: boolean;
  filterWhat: string;
  trackBy: keyof T & string;
  pageSize?: number;
  defaultSort?: TableProps.ColumnDefinition<T>;
  defaultSortDescending?: boolean;
  selectionType?: TableProps.SelectionType;
  selectedItems?: T[];
  onSelectionChange?: (selected: T[]) => void;
  ariaLabel: string;
}

/** A Cloudscape table with client-side filter, sort and paging (useCollection), used by every list page. */
export function CollectionTable<T>({
  items,
  columns,
  header,
  empty,
  loading = false,
  filterWhat,
  trackBy,
  pageSize = 20,
  defaultSort,
  defaultSortDescending = false,
  selectionType,
  selectedItems,
  onSelectionChange,
  ariaLabel,
}: CollectionTableProps<T>) {
  const {
    items: visible,
    actions,
    filteredItemsCount,
    collectionProps,
    filterProps,
    paginationProps,
  } = useCollection<T>([...items], {
    filtering: {
      empty,
      noMatch: <NoMatchState onClear={() => actions.setFiltering('')} />,
    },
    pagination: { pageSize },
    sorting: defaultSort ? { defaultState: { sortingColumn: defaultSort, isDescending: defaultSortDescending } } : {},
  });
  return (
    <Table<T>
      {...collectionProps}
      items={visible}
      columnDefinitions={columns}
      header={header}
      loading={loading}
      loadingText={strings.common.loading}
      trackBy={trackBy}
      variant="full-page"
      stickyHeader
      ariaLabels={{
        tableLabel: ariaLabel,
        itemSelectionLabel: (_, item) => String(item[trackBy]),
        allItemsSelectionLabel: () => ariaLabel,
        selectionGroupLabel: ariaLabel,
      }}
      {...(selectionType
        ? {
            selectionType,
            selectedItems: selectedItems ?? [],
            onSelectionChange: ({ detail }) => onSelectionChange?.(detail.selectedItems),
          }
        : {})}
      filter={
        <TextFilter
          {...filterProps}
          filteringPlaceholder={strings.common.filterPlaceholder(filterWhat)}
          filteringAriaLabel={strings.common.filterPlaceholder(filterWhat)}
          countText={strings.common.matches(filteredItemsCount ?? 0)}
        />
      }
      pagination={<Pagination {...paginationProps} ariaLabels={paginationLabels} />}
    />
  );
}

export const paginationLabels = {
  nextPageLabel: strings.common.nextPage,
  previousPageLabel: strings.common.previousPage,
  pageLabel: strings.common.pageLabel,
};
