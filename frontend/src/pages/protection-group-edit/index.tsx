import Spinner from '@cloudscape-design/components/spinner';
import { useNavigate, useParams } from 'react-router';
import { useAccounts } from '../../api/hooks/accounts';
import { useProtectionGroup, useProtectionGroups, useSaveProtectionGroup } from '../../api/hooks/protection-groups';
import { useAccess } from '../../auth/auth-context';
import { gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { ProtectionGroupForm } from './root';
import { EMPTY_GROUP, groupToDraft } from './validation';

export default function ProtectionGroupEditPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const group = useProtectionGroup(id);
  const accounts = useAccounts();
  const groups = useProtectionGroups();
  const save = useSaveProtectionGroup();
  const { permissions } = useAccess();
  if (id !== undefined && group.isPending) return <Spinner size="large" />;
  if (group.error) return <ApiErrorAlert error={group.error} />;
  const initial = group.data ? groupToDraft(group.data) : EMPTY_GROUP;
  return (
    <ProtectionGroupForm
      key={group.data?.version ?? 'new'}
      groupId={id}
      title={group.data?.name}
      initial={initial}
      accounts={accounts.data ?? []}
      groups={groups.data ?? []}
      writeGate={gate(permissions, 'edit-configuration')}
      saving={save.isPending}
      saveError={save.error}
      onCancel={() => navigate('/protection-groups')}
      onSave={input =>
        save.mutate({ id, input, version: group.data?.version }, { onSuccess: () => navigate('/protection-groups') })
      }
    />
  );
}
