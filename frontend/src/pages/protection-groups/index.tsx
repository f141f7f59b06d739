import { useDeleteProtectionGroup, useProtectionGroups } from '../../api/hooks/protection-groups';
import { useAccess } from '../../auth/auth-context';
import { gate } from '../../auth/permissions';
import { ProtectionGroupsRoot } from './root';

export default function ProtectionGroupsPage() {
  const groups = useProtectionGroups();
  const remove = useDeleteProtectionGroup();
  const { permissions } = useAccess();
  return (
    <ProtectionGroupsRoot
      groups={groups.data ?? []}
      loading={groups.isPending}
      error={groups.error ?? remove.error}
      writeGate={gate(permissions, 'edit-configuration')}
      onDelete={group => remove.mutate({ id: group.id, version: group.version })}
      deleting={remove.isPending}
    />
  );
}
