import type { Action, ActionType, OnFailure } from '../../api/types';
import { strings } from '../../strings';

/** An action as the form edits it: numbers and JSON as the text the user typed. */
export interface ActionDraft {
  type: ActionType;
  name: string;
  timeoutSeconds: string;
  onFailure: OnFailure;
  documentName: string;
  parameters: string;
  functionArn: string;
  payload: string;
  message: string;
  waitSeconds: string;
}

export type DraftErrors<K extends string> = Partial<Record<K, string>>;

export const ACTION_TYPES: readonly ActionType[] = ['SSM_AUTOMATION', 'SSM_RUN_COMMAND', 'LAMBDA', 'APPROVAL', 'WAIT'];

const DEFAULT_TIMEOUT: Record<ActionType, number> = {
  SSM_AUTOMATION: 600,
  SSM_RUN_COMMAND: 600,
  LAMBDA: 300,
  APPROVAL: 86_400,
  WAIT: 3600,
};

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const DOCUMENT_NAME = /^[A-Za-z0-9_.:/-]{3,128}$/;

export function newActionDraft(type: ActionType): ActionDraft {
  return {
    type,
    name: '',
    timeoutSeconds: String(DEFAULT_TIMEOUT[type]),
    onFailure: 'FAIL',
    documentName: '',
    parameters: '{}',
    functionArn: '',
    payload: '{}',
    message: '',
    waitSeconds: '60',
  };
}

export function actionToDraft(action: Action): ActionDraft {
  const draft = { ...newActionDraft(action.type), name: action.name, onFailure: action.onFailure };
  draft.timeoutSeconds = String(action.timeoutSeconds);
  switch (action.type) {
    case 'SSM_AUTOMATION':
    case 'SSM_RUN_COMMAND':
      return { ...draft, documentName: action.documentName, parameters: JSON.stringify(action.parameters, null, 2) };
    case 'LAMBDA':
      return { ...draft, functionArn: action.functionArn, payload: JSON.stringify(action.payload, null, 2) };
    case 'APPROVAL':
      return { ...draft, message: action.message };
    case 'WAIT':
      return { ...draft, waitSeconds: String(action.seconds) };
  }
}

/** A whole number >= min, or null. */
export function parseWhole(text: string, min = 1): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : null;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** SSM parameters: an object whose values are lists of strings (a lone string is accepted as a list of one). */
export function parseSsmParameters(text: string): Record<string, string[]> | null {
  const object = parseObject(text);
  if (object === null) return null;
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === 'string') out[key] = [value];
    else if (Array.isArray(value) && value.every(v => typeof v === 'string')) out[key] = value as string[];
    else return null;
  }
  return out;
}

type ActionField = keyof ActionDraft;

/** Checks of one action form, per field; empty when the action is valid. */
export function validateAction(draft: ActionDraft): DraftErrors<ActionField> {
  const errors: DraftErrors<ActionField> = {};
  const c = strings.common;
  if (draft.name.trim() === '') errors.name = c.required;
  if (parseWhole(draft.timeoutSeconds) === null) errors.timeoutSeconds = c.mustBePositive;
  switch (draft.type) {
    case 'SSM_AUTOMATION':
    case 'SSM_RUN_COMMAND':
      if (!DOCUMENT_NAME.test(draft.documentName.trim())) errors.documentName = c.required;
      if (parseSsmParameters(draft.parameters) === null) errors.parameters = strings.actions.invalidParameters;
      break;
    case 'LAMBDA':
      if (!LAMBDA_ARN.test(draft.functionArn.trim())) errors.functionArn = strings.actions.invalidArn;
      if (parseObject(draft.payload) === null) errors.payload = c.invalidJson;
      break;
    case 'APPROVAL':
      if (draft.message.trim() === '') errors.message = c.required;
      break;
    case 'WAIT': {
      const wait = parseWhole(draft.waitSeconds);
      const timeout = parseWhole(draft.timeoutSeconds);
      if (wait === null) errors.waitSeconds = c.mustBePositive;
      else if (timeout !== null && wait > timeout) errors.waitSeconds = c.notAfter(timeout);
      break;
    }
  }
  return errors;
}

/** The API's action from a valid draft (call validateAction first). */
export function draftToAction(draft: ActionDraft): Action {
  const base = {
    name: draft.name.trim(),
    timeoutSeconds: parseWhole(draft.timeoutSeconds) ?? 0,
    onFailure: draft.onFailure,
  };
  switch (draft.type) {
    case 'SSM_AUTOMATION':
    case 'SSM_RUN_COMMAND':
      return {
        ...base,
        type: draft.type,
        documentName: draft.documentName.trim(),
        parameters: parseSsmParameters(draft.parameters) ?? {},
      };
    case 'LAMBDA':
      return {
        ...base,
        type: 'LAMBDA',
        functionArn: draft.functionArn.trim(),
        payload: parseObject(draft.payload) ?? {},
      };
    case 'APPROVAL':
      return { ...base, type: 'APPROVAL', message: draft.message.trim() };
    case 'WAIT':
      return { ...base, type: 'WAIT', seconds: parseWhole(draft.waitSeconds) ?? 0 };
  }
}
