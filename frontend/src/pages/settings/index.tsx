import { useAccounts, useDeleteAccount, useSaveAccount } from '../../api/hooks/accounts';
import { useAudit } from '../../api/hooks/audit';
import { useAccess } from '../../auth/auth-context';
import { gate } from '../../auth/permissions';
import { usePagedInfinite } from '../../common/use-paged-infinite';
import { SettingsRoot } from './root';

export default function SettingsPage() {
  const access = useAccess();
  const accounts = useAccounts();
  const save = useSaveAccount();
  const remove = useDeleteAccount();
  const audit = usePagedInfinite(useAudit());
  return (
    <SettingsRoot
      access={access}
      accounts={accounts.data ?? []}
      accountsLoading={accounts.isPending}
      accountsError={accounts.error ?? remove.error}
      adminGate={gate(access.permissions, 'manage-accounts')}
      onSaveAccount={(input, done) => save.mutate({ input }, { onSuccess: done })}
      saving={save.isPending}
      saveError={save.error}
      onDeleteAccount={account => remove.mutate({ id: account.accountId, version: account.version })}
      audit={audit}
    />
  );
}
