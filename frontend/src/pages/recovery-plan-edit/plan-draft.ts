import type { Dependency, FieldError, RecoveryPlan, RecoveryPlanInput, Wave } from '../../api/types';
import { findCycle, formatCycle } from '../../graph/dag';
import { strings } from '../../strings';
import {
  actionToDraft,
  draftToAction,
  parseSsmParameters,
  parseWhole,
  validateAction,
  type ActionDraft,
} from './action-draft';

/** A wave's health gate; an empty document name means the product's own post-launch health check. */
export interface HealthCheckDraft {
  enabled: boolean;
  documentName: string;
  parameters: string;
  timeoutSeconds: string;
}

export interface WaveDraft {
  id: string;
  name: string;
  protectionGroupIds: string[];
  dependsOn: Dependency[];
  preActions: ActionDraft[];
  postActions: ActionDraft[];
  healthCheck: HealthCheckDraft;
  pauseBefore: boolean;
  optionalServerIds: string[];
  timeoutMinutes: string;
}

export interface PlanDraft {
  name: string;
  description: string;
  rtoTargetMinutes: string;
  drillTtlHours: string;
  waves: WaveDraft[];
}

/** The API's wave id pattern. */
export const WAVE_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** The product's health check with its defaults (on), or the gate turned off. */
function defaultHealthCheck(enabled: boolean): HealthCheckDraft {
  return { enabled, documentName: '', parameters: '{}', timeoutSeconds: '900' };
}

export function newWaveDraft(existing: readonly Pick<WaveDraft, 'id'>[]): WaveDraft {
  let n = existing.length + 1;
  while (existing.some(w => w.id === `wave-${n}`)) n += 1;
  return {
    id: `wave-${n}`,
    name: `Wave ${n}`,
    protectionGroupIds: [],
    dependsOn: [],
    preActions: [],
    postActions: [],
    healthCheck: defaultHealthCheck(true),
    pauseBefore: false,
    optionalServerIds: [],
    timeoutMinutes: '60',
  };
}

export const EMPTY_PLAN: PlanDraft = {
  name: '',
  description: '',
  rtoTargetMinutes: '60',
  drillTtlHours: '8',
  waves: [],
};

export function planToDraft(plan: RecoveryPlan): PlanDraft {
  return {
    name: plan.name,
    description: plan.description,
    rtoTargetMinutes: String(plan.rtoTargetMinutes),
    drillTtlHours: String(plan.drillTtlHours),
    waves: plan.waves.map(wave => ({
      id: wave.id,
      name: wave.name,
      protectionGroupIds: wave.protectionGroupIds,
      dependsOn: wave.dependsOn,
      preActions: wave.preActions.map(actionToDraft),
      postActions: wave.postActions.map(actionToDraft),
      // absent: the product's health check with its defaults; null: the gate is off
      healthCheck:
        wave.healthCheck === undefined
          ? defaultHealthCheck(true)
          : wave.healthCheck === null
            ? defaultHealthCheck(false)
            : {
                enabled: true,
                documentName: wave.healthCheck.documentName ?? '',
                parameters: JSON.stringify(wave.healthCheck.parameters, null, 2),
                timeoutSeconds: String(wave.healthCheck.timeoutSeconds),
              },
      pauseBefore: wave.pauseBefore,
      optionalServerIds: wave.optionalServerIds,
      timeoutMinutes: String(wave.timeoutMinutes),
    })),
  };
}

/** Removes a wave and every dependency on it. */
export function removeWave(draft: PlanDraft, waveId: string): PlanDraft {
  return {
    ...draft,
    waves: draft.waves
      .filter(w => w.id !== waveId)
      .map(w => ({ ...w, dependsOn: w.dependsOn.filter(d => d.waveId !== waveId) })),
  };
}

/** Renames a wave id, following every dependency that names it. */
export function renameWave(draft: PlanDraft, from: string, to: string): PlanDraft {
  return {
    ...draft,
    waves: draft.waves.map(w => ({
      ...w,
      id: w.id === from ? to : w.id,
      dependsOn: w.dependsOn.map(d => (d.waveId === from ? { ...d, waveId: to } : d)),
    })),
  };
}

function actionErrors(prefix: string, actions: readonly ActionDraft[]): FieldError[] {
  return actions.flatMap((action, j) =>
    Object.entries(validateAction(action)).map(([field, message]) => ({
      name: `${prefix}[${j}].${field}`,
      message: message ?? '',
    })),
  );
}

/** The client's checks of a whole plan, with field names as the API uses them (`waves[1].dependsOn`, ...). */
export function validatePlan(draft: PlanDraft): FieldError[] {
  const c = strings.common;
  const errors: FieldError[] = [];
  if (draft.name.trim() === '') errors.push({ name: 'name', message: c.required });
  if (parseWhole(draft.rtoTargetMinutes) === null) errors.push({ name: 'rtoTargetMinutes', message: c.mustBePositive });
  if (parseWhole(draft.drillTtlHours) === null) errors.push({ name: 'drillTtlHours', message: c.mustBePositive });
  if (draft.waves.length === 0) errors.push({ name: 'waves', message: strings.validation.noWaves });
  const ids = new Set<string>();
  draft.waves.forEach((wave, i) => {
    const at = `waves[${i}]`;
    if (!WAVE_ID.test(wave.id)) {
      errors.push({
        name: `${at}.id`,
        message: strings.validation.waveIdFormat,
      });
    } else if (ids.has(wave.id)) {
      errors.push({ name: `${at}.id`, message: strings.validation.duplicateWaveId(wave.id) });
    }
    ids.add(wave.id);
    if (wave.name.trim() === '') errors.push({ name: `${at}.name`, message: c.required });
    if (wave.protectionGroupIds.length === 0) {
      errors.push({ name: `${at}.protectionGroupIds`, message: strings.validation.noGroups });
    }
    const unknown = wave.dependsOn.filter(d => !draft.waves.some(w => w.id === d.waveId));
    if (unknown.length > 0) {
      errors.push({
        name: `${at}.dependsOn`,
        message: strings.validation.unknownWaves(unknown.map(d => d.waveId).join(', ')),
      });
    }
    if (parseWhole(wave.timeoutMinutes) === null) {
      errors.push({ name: `${at}.timeoutMinutes`, message: c.mustBePositive });
    }
    if (wave.healthCheck.enabled) {
      if (parseSsmParameters(wave.healthCheck.parameters) === null) {
        errors.push({ name: `${at}.healthCheck.parameters`, message: strings.actions.invalidParameters });
      }
      if (parseWhole(wave.healthCheck.timeoutSeconds) === null) {
        errors.push({ name: `${at}.healthCheck.timeoutSeconds`, message: c.mustBePositive });
      }
    }
    errors.push(...actionErrors(`${at}.preActions`, wave.preActions));
    errors.push(...actionErrors(`${at}.postActions`, wave.postActions));
  });
  const cycle = findCycle(draft.waves);
  if (cycle) {
    const index = draft.waves.findIndex(w => w.id === cycle[0]);
    errors.push({ name: `waves[${index}].dependsOn`, message: strings.validation.cycle(formatCycle(cycle)) });
  }
  return errors;
}

/** The API's plan input from a valid draft (call validatePlan first). */
export function draftToInput(draft: PlanDraft): RecoveryPlanInput {
  return {
    name: draft.name.trim(),
    description: draft.description,
    rtoTargetMinutes: parseWhole(draft.rtoTargetMinutes) ?? 0,
    drillTtlHours: parseWhole(draft.drillTtlHours) ?? 0,
    waves: draft.waves.map((wave): Wave => ({
      id: wave.id,
      name: wave.name.trim(),
      protectionGroupIds: wave.protectionGroupIds,
      dependsOn: wave.dependsOn,
      preActions: wave.preActions.map(draftToAction),
      postActions: wave.postActions.map(draftToAction),
      healthCheck: wave.healthCheck.enabled
        ? {
            documentName: wave.healthCheck.documentName.trim() || null,
            parameters: parseSsmParameters(wave.healthCheck.parameters) ?? {},
            timeoutSeconds: parseWhole(wave.healthCheck.timeoutSeconds) ?? 0,
          }
        : null,
      pauseBefore: wave.pauseBefore,
      optionalServerIds: wave.optionalServerIds,
      timeoutMinutes: parseWhole(wave.timeoutMinutes) ?? 0,
    })),
  };
}
