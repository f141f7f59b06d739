import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import FormField from '@cloudscape-design/components/form-field';
import Multiselect from '@cloudscape-design/components/multiselect';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Toggle from '@cloudscape-design/components/toggle';
import { useState } from 'react';
import type { DependencyCondition, FieldError, ProtectionGroup } from '../../api/types';
import { errorFor } from '../../common/field-errors';
import { TextField } from '../../common/text-field';
import { strings } from '../../strings';
import { ActionList } from './action-form';
import type { WaveDraft } from './plan-draft';

const t = strings.plans.wave;
const CONDITIONS: DependencyCondition[] = ['LAUNCHED', 'HEALTHY'];
const conditionOptions = CONDITIONS.map(value => ({ value, label: strings.plans.conditions[value] }));

export interface WaveFormProps {
  wave: WaveDraft;
  index: number;
  otherWaves: readonly Pick<WaveDraft, 'id' | 'name'>[];
  groups: readonly ProtectionGroup[];
  errors: readonly FieldError[];
  onChange: (wave: WaveDraft) => void;
  onRename: (to: string) => void;
  /** Why the last dependency asked for in this form was refused (it would close a cycle), if it was. */
  dependencyRefusal: string | null;
  /** Adds `prerequisite` to this wave's dependencies; refused (with the reason shown) when it closes a cycle. */
  onAddDependency: (prerequisite: string, condition: DependencyCondition) => void;
}

export function WaveForm({
  wave,
  index,
  otherWaves,
  groups,
  errors,
  onChange,
  onRename,
  dependencyRefusal,
  onAddDependency,
}: WaveFormProps) {
  const at = `waves[${index}]`;
  const err = (field: string) => errorFor(errors, `${at}.${field}`);
  const [newDependency, setNewDependency] = useState<string | null>(null);
  const [optionalText, setOptionalText] = useState(wave.optionalServerIds.join(', '));
  const groupOptions = groups.map(g => ({ value: g.id, label: g.name, description: `${g.accountId} ${g.region}` }));
  const candidates = otherWaves
    .filter(w => !wave.dependsOn.some(d => d.waveId === w.id))
    .map(w => ({ value: w.id, label: w.name }));
  const set = <K extends keyof WaveDraft>(key: K, value: WaveDraft[K]) => onChange({ ...wave, [key]: value });

  return (
    <SpaceBetween size="m">
      <ColumnLayout columns={3}>
        <TextField label={t.id} value={wave.id} error={err('id')} onChange={onRename} />
        <TextField label={t.name} value={wave.name} error={err('name')} onChange={v => set('name', v)} />
        <TextField
          label={t.timeout}
          value={wave.timeoutMinutes}
          error={err('timeoutMinutes')}
          onChange={v => set('timeoutMinutes', v)}
          numeric
        />
      </ColumnLayout>
      <FormField label={t.groups} errorText={err('protectionGroupIds')}>
        <Multiselect
          selectedOptions={groupOptions.filter(o => wave.protectionGroupIds.includes(o.value))}
          options={groupOptions}
          onChange={({ detail }) =>
            set(
              'protectionGroupIds',
              detail.selectedOptions.map(o => o.value ?? ''),
            )
          }
          filteringType="auto"
          ariaLabel={t.groups}
          placeholder={t.groups}
        />
      </FormField>
      <FormField label={t.dependsOn} errorText={err('dependsOn') ?? dependencyRefusal} stretch>
        <SpaceBetween size="xs">
          {wave.dependsOn.map(dep => (
            <SpaceBetween key={dep.waveId} direction="horizontal" size="xs" alignItems="center">
              <span>{otherWaves.find(w => w.id === dep.waveId)?.name ?? dep.waveId}</span>
              <Select
                selectedOption={conditionOptions.find(o => o.value === dep.condition) ?? null}
                options={conditionOptions}
                ariaLabel={`${t.condition} ${dep.waveId}`}
                onChange={({ detail }) =>
                  set(
                    'dependsOn',
                    wave.dependsOn.map(d =>
                      d.waveId === dep.waveId
                        ? { ...d, condition: detail.selectedOption.value as DependencyCondition }
                        : d,
                    ),
                  )
                }
              />
              <Button
                formAction="none"
                iconName="remove"
                ariaLabel={`${strings.common.remove} ${dep.waveId}`}
                onClick={() =>
                  set(
                    'dependsOn',
                    wave.dependsOn.filter(d => d.waveId !== dep.waveId),
                  )
                }
              />
            </SpaceBetween>
          ))}
          <SpaceBetween direction="horizontal" size="xs">
            <Select
              selectedOption={candidates.find(o => o.value === newDependency) ?? null}
              options={candidates}
              placeholder={t.dependsOn}
              ariaLabel={t.addDependency}
              onChange={({ detail }) => setNewDependency(detail.selectedOption.value ?? null)}
            />
            <Button
              formAction="none"
              disabled={newDependency === null}
              onClick={() => {
                if (newDependency) onAddDependency(newDependency, 'HEALTHY');
                setNewDependency(null);
              }}
            >
              {t.addDependency}
            </Button>
          </SpaceBetween>
        </SpaceBetween>
      </FormField>
      <ActionList
        label={t.preActions}
        actions={wave.preActions}
        onChange={actions => set('preActions', actions)}
        errors={errors}
        prefix={`${at}.preActions`}
      />
      <FormField
        label={t.healthCheck}
        description={wave.healthCheck.enabled ? undefined : t.healthCheckDisabledDescription}
        stretch
      >
        <SpaceBetween size="xs">
          <Checkbox
            checked={wave.healthCheck.enabled}
            onChange={({ detail }) => set('healthCheck', { ...wave.healthCheck, enabled: detail.checked })}
          >
            {t.healthCheckEnabled}
          </Checkbox>
          {wave.healthCheck.enabled ? (
            <ColumnLayout columns={3}>
              <TextField
                label={strings.actions.documentName}
                description={t.healthCheckDocumentDescription}
                value={wave.healthCheck.documentName}
                error={err('healthCheck.documentName')}
                onChange={v => set('healthCheck', { ...wave.healthCheck, documentName: v })}
              />
              <TextField
                label={strings.actions.parameters}
                value={wave.healthCheck.parameters}
                error={err('healthCheck.parameters')}
                onChange={v => set('healthCheck', { ...wave.healthCheck, parameters: v })}
                multiline
              />
              <TextField
                label={strings.actions.timeoutSeconds}
                value={wave.healthCheck.timeoutSeconds}
                error={err('healthCheck.timeoutSeconds')}
                onChange={v => set('healthCheck', { ...wave.healthCheck, timeoutSeconds: v })}
                numeric
              />
            </ColumnLayout>
          ) : null}
        </SpaceBetween>
      </FormField>
      <ActionList
        label={t.postActions}
        actions={wave.postActions}
        onChange={actions => set('postActions', actions)}
        errors={errors}
        prefix={`${at}.postActions`}
      />
      <Toggle checked={wave.pauseBefore} onChange={({ detail }) => set('pauseBefore', detail.checked)}>
        {t.pauseBefore}
      </Toggle>
      <TextField
        label={t.optionalServers}
        description={t.optionalServersDescription}
        value={optionalText}
        error={err('optionalServerIds')}
        onChange={v => {
          setOptionalText(v);
          set(
            'optionalServerIds',
            v
              .split(',')
              .map(id => id.trim())
              .filter(id => id !== ''),
          );
        }}
      />
    </SpaceBetween>
  );
}
