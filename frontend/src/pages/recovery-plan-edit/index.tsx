import Spinner from '@cloudscape-design/components/spinner';
import { useNavigate, useParams } from 'react-router';
import { useProtectionGroups } from '../../api/hooks/protection-groups';
import { useReadinessCheck } from '../../api/hooks/readiness-checks';
import { useRecoveryPlan, useSaveRecoveryPlan } from '../../api/hooks/recovery-plans';
import { useAccess } from '../../auth/auth-context';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { draftToInput, EMPTY_PLAN, planToDraft } from './plan-draft';
import { PlanEditor } from './root';
import { SchedulesSection } from './schedules-section';

export default function RecoveryPlanEditPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const plan = useRecoveryPlan(id);
  const groups = useProtectionGroups();
  const save = useSaveRecoveryPlan();
  const readiness = useReadinessCheck(id);
  const { permissions } = useAccess();
  if (id !== undefined && plan.isPending) return <Spinner size="large" />;
  if (plan.error) return <ApiErrorAlert error={plan.error} />;
  return (
    <PlanEditor
      key={plan.data?.version ?? 'new'}
      planId={id}
      initial={plan.data ? planToDraft(plan.data) : EMPTY_PLAN}
      groups={groups.data ?? []}
      permissions={permissions}
      saving={save.isPending}
      saveError={save.error}
      onCancel={() => navigate('/recovery-plans')}
      onSave={draft =>
        save.mutate(
          { id, input: draftToInput(draft), version: plan.data?.version },
          { onSuccess: saved => navigate(`/recovery-plans/${saved.id}`) },
        )
      }
      readiness={readiness}
      schedules={id ? <SchedulesSection planId={id} permissions={permissions} /> : null}
    />
  );
}
