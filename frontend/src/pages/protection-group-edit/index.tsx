import Spinner from '@cloudscape-design/components/spinner';
import { useNavigate, useParams } from 'react-router';
import { useAccounts } from '../../api/hooks/accounts';
import { useProtectionGroup, useSaveProtectionGroup } from '../../api/hooks/protection-groups';
import type { ProtectionGroupInput } from '../../api/types';
import { useAccess } from '../../auth/auth-context';
import { gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { ProtectionGroupForm } from './root';

const EMPTY: ProtectionGroupInput = {
  name: '',
  description: '',
  accountId: '',
  region: '',
  sourceServerIds: [],
  tagSelector: {},
};

export default function ProtectionGroupEditPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const group = useProtectionGroup(id);
  const accounts = useAccounts();
  const save = useSaveProtectionGroup();
  const { permissions } = useAccess();
  if (id !== undefined && group.isPending) return <Spinner size="large" />;
  if (group.error) return <ApiErrorAlert error={group.error} />;
  const initial: ProtectionGroupInput = group.data
    ? {
        name: group.data.name,
        description: group.data.description,
        accountId: group.data.accountId,
        region: group.data.region,
        sourceServerIds: group.data.sourceServerIds,
        tagSelector: group.data.tagSelector,
      }
    : EMPTY;
  return (
    <ProtectionGroupForm
      key={group.data?.version ?? 'new'}
      groupId={id}
      title={group.data?.name}
      initial={initial}
      accounts={accounts.data ?? []}
      writeGate={gate(permissions, 'protection-groups:write')}
      saving={save.isPending}
      saveError={save.error}
      onCancel={() => navigate('/protection-groups')}
      onSave={input =>
        save.mutate(
          { id, input, version: group.data?.version },
          { onSuccess: () => navigate('/protection-groups') },
        )
      }
    />
  );
}
