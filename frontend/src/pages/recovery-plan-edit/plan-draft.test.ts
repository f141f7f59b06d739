import { describe, expect, it } from 'vitest';
import type { RecoveryPlan } from '../../api/types';
import { newActionDraft } from './action-draft';
import {
  draftToInput,
  newWaveDraft,
  planToDraft,
  removeWave,
  renameWave,
  validatePlan,
  type PlanDraft,
} from './plan-draft';

function plan(): PlanDraft {
  const network = { ...newWaveDraft([]), id: 'network', name: 'Network', protectionGroupIds: ['pg-1'] };
  const db = {
    ...newWaveDraft([network]),
    id: 'db',
    name: 'Databases',
    protectionGroupIds: ['pg-2'],
    dependsOn: [{ waveId: 'network', condition: 'HEALTHY' as const }],
  };
  return { name: 'shop-dr', description: '', rtoTargetMinutes: '60', drillTtlHours: '8', waves: [network, db] };
}

describe('plan validation', () => {
  it('test_passes_when_plan_is_complete', () => {
    expect(validatePlan(plan())).toEqual([]);
  });

  it('test_names_fields_like_the_api_when_values_are_missing', () => {
    // Given a plan with no name, a bad RTO, and a wave without groups
    const draft = plan();
    draft.name = ' ';
    draft.rtoTargetMinutes = 'soon';
    draft.waves[1] = { ...draft.waves[1]!, protectionGroupIds: [] };
    // Then each error carries the API's field name
    expect(validatePlan(draft).map(e => e.name)).toEqual(['name', 'rtoTargetMinutes', 'waves[1].protectionGroupIds']);
  });

  it('test_reports_nested_action_errors_under_their_wave_and_index', () => {
    const draft = plan();
    draft.waves[0] = { ...draft.waves[0]!, postActions: [newActionDraft('LAMBDA')] };
    const names = validatePlan(draft).map(e => e.name);
    expect(names).toContain('waves[0].postActions[0].name');
    expect(names).toContain('waves[0].postActions[0].functionArn');
  });

  it('test_reports_a_cycle_on_dependsOn_when_waves_depend_on_each_other', () => {
    const draft = plan();
    draft.waves[0] = { ...draft.waves[0]!, dependsOn: [{ waveId: 'db', condition: 'LAUNCHED' }] };
    expect(validatePlan(draft)).toContainEqual({
      name: 'waves[0].dependsOn',
      message: 'cycle: network -> db -> network',
    });
  });

  it('test_reports_duplicate_wave_ids', () => {
    const draft = plan();
    draft.waves[1] = { ...draft.waves[1]!, id: 'network', dependsOn: [] };
    expect(validatePlan(draft).map(e => e.name)).toContain('waves[1].id');
  });

  it('test_removing_a_wave_drops_the_dependencies_on_it', () => {
    const after = removeWave(plan(), 'network');
    expect(after.waves.map(w => w.id)).toEqual(['db']);
    expect(after.waves[0]?.dependsOn).toEqual([]);
  });

  it('test_renaming_a_wave_follows_its_dependents', () => {
    const after = renameWave(plan(), 'network', 'net');
    expect(after.waves[1]?.dependsOn).toEqual([{ waveId: 'net', condition: 'HEALTHY' }]);
  });

  it('test_new_wave_ids_do_not_clash_with_existing_ones', () => {
    expect(newWaveDraft([{ id: 'wave-2' }]).id).toBe('wave-3');
  });

  it('test_round_trips_a_saved_plan_through_the_builder', () => {
    const input = draftToInput(plan());
    const saved: RecoveryPlan = {
      ...input,
      id: 'rp-1',
      version: 1,
      createdAt: '',
      createdBy: '',
      updatedAt: '',
      updatedBy: '',
    };
    expect(draftToInput(planToDraft(saved))).toEqual(input);
    expect(input.waves[0]?.healthCheck).toBeNull();
    expect(input.rtoTargetMinutes).toBe(60);
  });
});
