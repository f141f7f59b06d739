import type { ProtectionGroup } from '../../api/types';
import type { Gate } from '../../auth/permissions';
import { formatDateTime } from '../../common/format';
import { ResourceList } from '../../common/resource-list';
import { RouterLink } from '../../common/router-link';
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
  {
    id: 'tags',
    header: t.columns.tags,
    cell: (g: ProtectionGroup) => formatTagSelector(g.tagSelector) || strings.common.none,
  },
  {
    id: 'updated',
    header: t.columns.updated,
    cell: (g: ProtectionGroup) => formatDateTime(g.updatedAt),
    sortingField: 'updatedAt',
  },
];

export function ProtectionGroupsRoot({
  groups,
  loading,
  error,
  writeGate,
  onDelete,
  deleting,
}: ProtectionGroupsRootProps) {
  return (
    <ResourceList
      items={groups}
      columns={columns}
      loading={loading}
      error={error}
      text={t}
      createHref="/protection-groups/new"
      writeGate={writeGate}
      onDelete={onDelete}
      deleting={deleting}
    />
  );
}
