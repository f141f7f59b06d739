import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { ProtectionGroup } from '../../api/types';
import type { Gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { CollectionTable } from '../../common/collection-table';
import { ConfirmModal } from '../../common/confirm-modal';
import { formatDateTime } from '../../common/format';
import { GatedButton } from '../../common/gated-button';
import { RouterLink } from '../../common/router-link';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';
import { formatTagSelector } from './tags';

const t = strings.groups;

export interface ProtectionGroupsRootProps {
  groups: ProtectionGroup[];
  loading: boolean;
  error: unknown;
  writeGate: Gate;
  onDelete: (group: ProtectionGroup) => void;
  deleting: boolean;
}

export function ProtectionGroupsRoot({ groups, loading, error, writeGate, onDelete, deleting }: ProtectionGroupsRootProps) {
  const navigate = useNavigate();
  const [selected, setSelected] = useState<ProtectionGroup[]>([]);
  const [confirming, setConfirming] = useState(false);
  const chosen = selected[0];
  const columns = [
    {
      id: 'name',
      header: t.columns.name,
      cell: (g: ProtectionGroup) => <RouterLink href={`/protection-groups/${g.id}`}>{g.name}</RouterLink>,
      sortingField: 'name',
    },
    { id: 'account', header: t.columns.account, cell: (g: ProtectionGroup) => g.accountId, sortingField: 'accountId' },
    { id: 'region', header: t.columns.region, cell: (g: ProtectionGroup) => g.region, sortingField: 'region' },
    {
      id: 'servers',
      header: t.columns.servers,
      cell: (g: ProtectionGroup) => g.sourceServerIds.length,
      sortingComparator: (a: ProtectionGroup, b: ProtectionGroup) => a.sourceServerIds.length - b.sourceServerIds.length,
    },
    { id: 'tags', header: t.columns.tags, cell: (g: ProtectionGroup) => formatTagSelector(g.tagSelector) || strings.common.none },
    { id: 'updated', header: t.columns.updated, cell: (g: ProtectionGroup) => formatDateTime(g.updatedAt), sortingField: 'updatedAt' },
  ];
  const createButton = (
    <GatedButton gate={writeGate} variant="primary" onClick={() => navigate('/protection-groups/new')}>
      {t.create}
    </GatedButton>
  );
  return (
    <SpaceBetween size="m">
      {error ? <ApiErrorAlert error={error} /> : null}
      <CollectionTable
        items={groups}
        columns={columns}
        loading={loading}
        trackBy="id"
        filterWhat={t.title.toLowerCase()}
        ariaLabel={t.title}
        defaultSort={columns[0]}
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={setSelected}
        empty={<EmptyState title={t.empty} subtitle={t.emptyDescription} action={createButton} />}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={`(${groups.length})`}
            description={t.description}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!chosen} onClick={() => chosen && navigate(`/protection-groups/${chosen.id}`)}>
                  {strings.common.edit}
                </Button>
                <GatedButton gate={writeGate} disabled={!chosen} loading={deleting} onClick={() => setConfirming(true)}>
                  {strings.common.delete}
                </GatedButton>
                {createButton}
              </SpaceBetween>
            }
          >
            {t.title}
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
