import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type ReactNode } from 'react';
import type { ReadinessCheck } from '../../api/hooks/readiness-checks';
import type { DependencyCondition, ExecutionMode, Permission, ProtectionGroup } from '../../api/types';
import { gate } from '../../auth/permissions';
import { errorFor, mergeFieldErrors } from '../../common/field-errors';
import { GatedButton } from '../../common/gated-button';
import { TextField } from '../../common/text-field';
import { addDependency, removeDependency } from '../../graph/dag';
import { WaveGraph } from '../../graph/wave-graph';
import { EditForm } from '../../common/edit-form';
import { strings } from '../../strings';
import { StartModal } from '../recovery-plans/start-modal';
import { newWaveDraft, removeWave, renameWave, validatePlan, type PlanDraft } from './plan-draft';
import { ReadinessPanel } from './readiness-panel';
import { WaveForm } from './wave-form';

const t = strings.plans;

export interface PlanEditorProps {
  planId: string | undefined;
  initial: PlanDraft;
  groups: readonly ProtectionGroup[];
  permissions: ReadonlySet<Permission>;
  saving: boolean;
  saveError: unknown;
  onSave: (draft: PlanDraft) => void;
  onCancel: () => void;
  readiness: {
    check: ReadinessCheck | undefined;
    error: unknown;
    loading: boolean;
    run: (mode: ExecutionMode) => void;
  };
  /** The plan's drill schedules (a saved plan's page only). */
  schedules?: ReactNode;
}

export function PlanEditor({
  planId,
  initial,
  groups,
  permissions,
  saving,
  saveError,
  onSave,
  onCancel,
  readiness,
  schedules,
}: PlanEditorProps) {
  const [draft, setDraft] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  // A refused dependency, shown where it was asked for: next to the graph, or in the form of the dependent wave.
  const [refusal, setRefusal] = useState<{ message: string; fromWave: string | null } | null>(null);
  const [starting, setStarting] = useState<ExecutionMode | null>(null);
  const errors = mergeFieldErrors(submitted ? validatePlan(draft) : [], saveError);
  const writeGate = gate(permissions, 'edit-configuration');
  const set = <K extends keyof PlanDraft>(key: K, value: PlanDraft[K]) => setDraft(d => ({ ...d, [key]: value }));
  const waveName = (id: string) => draft.waves.find(w => w.id === id)?.name ?? id;

  const connect = (prerequisite: string, dependent: string, condition: DependencyCondition, fromForm: boolean) => {
    const result = addDependency(draft.waves, prerequisite, dependent, condition);
    if (result.ok) {
      setDraft(d => ({ ...d, waves: result.waves }));
      setRefusal(null);
    } else {
      setRefusal({ message: result.reason, fromWave: fromForm ? dependent : null });
    }
  };

  return (
    <>
      <EditForm
        header={<Header variant="h1">{planId ? t.editTitle(initial.name) : t.createTitle}</Header>}
        submitLabel={planId ? strings.common.save : strings.common.create}
        saving={saving}
        saveError={saveError}
        writeGate={writeGate}
        onCancel={onCancel}
        onSubmit={() => {
          setSubmitted(true);
          if (validatePlan(draft).length === 0) onSave(draft);
        }}
        extraActions={
          planId ? (
            <>
              <GatedButton formAction="none" gate={gate(permissions, 'run-drill')} onClick={() => setStarting('DRILL')}>
                {strings.executions.startDrill}
              </GatedButton>
              <GatedButton
                formAction="none"
                gate={gate(permissions, 'run-recovery')}
                onClick={() => setStarting('RECOVERY')}
              >
                {strings.executions.startRecovery}
              </GatedButton>
            </>
          ) : null
        }
      >
        <SpaceBetween size="l">
          <Container>
            <ColumnLayout columns={2}>
              <TextField
                label={t.fields.name}
                value={draft.name}
                error={errorFor(errors, 'name')}
                onChange={v => set('name', v)}
              />
              <TextField
                label={t.fields.description}
                value={draft.description}
                error={errorFor(errors, 'description')}
                onChange={v => set('description', v)}
              />
              <TextField
                label={t.fields.rto}
                value={draft.rtoTargetMinutes}
                error={errorFor(errors, 'rtoTargetMinutes')}
                onChange={v => set('rtoTargetMinutes', v)}
                numeric
              />
              <TextField
                label={t.fields.drillTtl}
                description={t.fields.drillTtlDescription}
                value={draft.drillTtlHours}
                error={errorFor(errors, 'drillTtlHours')}
                onChange={v => set('drillTtlHours', v)}
                numeric
              />
            </ColumnLayout>
          </Container>
          <Container
            header={
              <Header variant="h2" description={t.graphHelp}>
                {t.graph}
              </Header>
            }
          >
            <SpaceBetween size="s">
              {refusal && refusal.fromWave === null ? (
                <Alert type="error" dismissible onDismiss={() => setRefusal(null)}>
                  <span role="status">{refusal.message}</span>
                </Alert>
              ) : null}
              <WaveGraph
                ariaLabel={t.graph}
                waves={draft.waves}
                onConnect={(source, target) => connect(source, target, 'HEALTHY', false)}
                onRemoveDependency={(source, target) => set('waves', removeDependency(draft.waves, source, target))}
              />
            </SpaceBetween>
          </Container>
          <Container
            header={
              <Header
                variant="h2"
                counter={`(${draft.waves.length})`}
                actions={
                  <Button
                    formAction="none"
                    iconName="add-plus"
                    onClick={() => set('waves', [...draft.waves, newWaveDraft(draft.waves)])}
                  >
                    {t.addWave}
                  </Button>
                }
              >
                {t.waves}
              </Header>
            }
          >
            <SpaceBetween size="s">
              {errorFor(errors, 'waves') ? <Alert type="error">{errorFor(errors, 'waves')}</Alert> : null}
              {draft.waves.map((wave, index) => (
                <ExpandableSection
                  key={index}
                  variant="container"
                  defaultExpanded={index === draft.waves.length - 1}
                  headerText={`${wave.name} (${wave.id})`}
                  headerActions={
                    <Button formAction="none" iconName="remove" onClick={() => setDraft(d => removeWave(d, wave.id))}>
                      {t.removeWave}
                    </Button>
                  }
                >
                  <WaveForm
                    wave={wave}
                    index={index}
                    otherWaves={draft.waves.filter(w => w.id !== wave.id)}
                    groups={groups}
                    errors={errors}
                    onChange={next =>
                      set(
                        'waves',
                        draft.waves.map((w, i) => (i === index ? next : w)),
                      )
                    }
                    onRename={to => setDraft(d => renameWave(d, wave.id, to))}
                    dependencyRefusal={refusal?.fromWave === wave.id ? refusal.message : null}
                    onAddDependency={(prerequisite, condition) => connect(prerequisite, wave.id, condition, true)}
                  />
                </ExpandableSection>
              ))}
            </SpaceBetween>
          </Container>
          {planId ? (
            <ReadinessPanel
              check={readiness.check}
              error={readiness.error}
              loading={readiness.loading}
              waveName={waveName}
              action={
                <SpaceBetween direction="horizontal" size="xs">
                  <Button formAction="none" onClick={() => readiness.run('DRILL')} loading={readiness.loading}>
                    {t.validateDrill}
                  </Button>
                  <Button formAction="none" onClick={() => readiness.run('RECOVERY')} loading={readiness.loading}>
                    {t.validateRecovery}
                  </Button>
                </SpaceBetween>
              }
            />
          ) : (
            <Alert type="info">{t.saveFirst}</Alert>
          )}
          {schedules}
        </SpaceBetween>
      </EditForm>
      {planId && starting ? (
        <StartModal
          plan={{ id: planId, name: initial.name }}
          permissions={permissions}
          initialMode={starting}
          onDismiss={() => setStarting(null)}
        />
      ) : null}
    </>
  );
}
