import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { TableProps } from '@cloudscape-design/components/table';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { Gate } from '../auth/permissions';
import { strings } from '../strings';
import { ApiErrorAlert } from './api-error-alert';
import { CollectionTable } from './collection-table';
import { ConfirmModal } from './confirm-modal';
import { GatedButton } from './gated-button';
import { EmptyState } from './table-states';

export interface ResourceListProps<T extends { id: string; name: string }> {
  items: T[];
  columns: TableProps.ColumnDefinition<T>[];
  loading: boolean;
  error: unknown;
  text: { title: string; description: string; empty: string; emptyDescription: string; create: string };
  createHref: string;
  writeGate: Gate;
  onDelete: (item: T) => void;
  deleting: boolean;
  /** More header actions for the selected item (e.g. start a drill). */
  actions?: (selected: T | undefined) => ReactNode;
}

/** A list page of a CRUD resource: filterable, sortable, paged table with single selection, create and delete. */
export function ResourceList<T extends { id: string; name: string }>(props: ResourceListProps<T>) {
  const { items, columns, loading, error, text, createHref, writeGate, onDelete, deleting, actions } = props;
  const navigate = useNavigate();
  const [selected, setSelected] = useState<T[]>([]);
  const [confirming, setConfirming] = useState(false);
  const chosen = selected[0];
  const createButton = (
    <GatedButton gate={writeGate} variant="primary" onClick={() => navigate(createHref)}>
      {text.create}
    </GatedButton>
  );
  return (
    <SpaceBetween size="m">
      {error ? <ApiErrorAlert error={error} /> : null}
      <CollectionTable
        items={items}
        columns={columns}
        loading={loading}
        trackBy="id"
        filterWhat={text.title.toLowerCase()}
        ariaLabel={text.title}
        defaultSort={columns[0]}
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={setSelected}
        empty={<EmptyState title={text.empty} subtitle={text.emptyDescription} action={createButton} />}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={`(${items.length})`}
            description={text.description}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <GatedButton gate={writeGate} disabled={!chosen} loading={deleting} onClick={() => setConfirming(true)}>
                  {strings.common.delete}
                </GatedButton>
                {actions?.(chosen)}
                {createButton}
              </SpaceBetween>
            }
          >
            {text.title}
          </Header>
        }
      />
      <ConfirmModal
        visible={confirming && chosen !== undefined}
        text={strings.common.deleteConfirm(chosen?.name ?? '')}
        confirmLabel={strings.common.delete}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          if (chosen) onDelete(chosen);
          setConfirming(false);
          setSelected([]);
        }}
      />
    </SpaceBetween>
  );
}
