import { describe, expect, it } from 'vitest';
import type { RecoveryPlan, Wave } from '../../api/types';
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
    expect(input.waves[0]?.healthCheck).toEqual({ documentName: null, parameters: {}, timeoutSeconds: 900 });
    expect(input.rtoTargetMinutes).toBe(60);
  });
});

describe('health check', () => {
  function saved(healthChecks: unknown[]): RecoveryPlan {
    const input = draftToInput(plan());
    return {
      ...input,
      waves: input.waves.map((wave, i) => {
        const copy: Wave = { ...wave };
        if (healthChecks[i] === 'absent') delete copy.healthCheck;
        else copy.healthCheck = healthChecks[i] as Wave['healthCheck'];
        return copy;
      }),
      id: 'rp-1',
      version: 1,
      createdAt: '',
      createdBy: '',
      updatedAt: '',
      updatedBy: '',
    };
  }

  it('test_new_wave_runs_the_products_health_check_when_no_document_is_named', () => {
    // Given a new wave, untouched
    const wave = newWaveDraft([]);
    // Then its health check is on, with an empty document meaning the product's
    expect(wave.healthCheck.enabled).toBe(true);
    expect(wave.healthCheck.documentName).toBe('');
    // And the plan is valid and sends no document name
    expect(validatePlan(plan())).toEqual([]);
    expect(draftToInput(plan()).waves[1]?.healthCheck).toEqual({
      documentName: null,
      parameters: {},
      timeoutSeconds: 900,
    });
  });

  it('test_sends_null_when_the_health_check_is_switched_off', () => {
    const draft = plan();
    draft.waves[0] = { ...draft.waves[0]!, healthCheck: { ...draft.waves[0]!.healthCheck, enabled: false } };
    expect(draftToInput(draft).waves[0]?.healthCheck).toBeNull();
  });

  it('test_round_trips_a_loaded_plan_whether_its_gate_is_off_default_or_named', () => {
    // Given a stored plan: wave 0 gate off, wave 1 a named document
    const named = { documentName: 'Shop-DbProbe', parameters: { port: ['5432'] }, timeoutSeconds: 120 };
    const stored = saved([null, named]);
    // When it is loaded and saved again unchanged
    const draft = planToDraft(stored);
    expect(draft.waves.map(w => w.healthCheck.enabled)).toEqual([false, true]);
    const input = draftToInput(draft);
    // Then each wave keeps what it had
    expect(input.waves.map(w => w.healthCheck)).toEqual([null, named]);
  });

  it('test_loads_a_wave_without_health_check_as_the_products_default', () => {
    const draft = planToDraft(saved(['absent', { documentName: null, parameters: {}, timeoutSeconds: 900 }]));
    expect(draft.waves.map(w => [w.healthCheck.enabled, w.healthCheck.documentName])).toEqual([
      [true, ''],
      [true, ''],
    ]);
  });

  it('test_still_checks_parameters_and_timeout_when_no_document_is_named', () => {
    const draft = plan();
    draft.waves[0] = {
      ...draft.waves[0]!,
      healthCheck: { enabled: true, documentName: '', parameters: '[', timeoutSeconds: 'soon' },
    };
    expect(validatePlan(draft).map(e => e.name)).toEqual([
      'waves[0].healthCheck.parameters',
      'waves[0].healthCheck.timeoutSeconds',
    ]);
  });
});
