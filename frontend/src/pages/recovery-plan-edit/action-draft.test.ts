import { describe, expect, it } from 'vitest';
import type { Action } from '../../api/types';
import { actionToDraft, draftToAction, newActionDraft, validateAction } from './action-draft';

describe('action forms', () => {
  it('test_reports_every_missing_field_when_ssm_automation_is_empty', () => {
    // Given a fresh SSM Automation action with nothing filled in
    const draft = { ...newActionDraft('SSM_AUTOMATION'), parameters: '[1]' };
    // Then name, document and parameters are each reported
    expect(Object.keys(validateAction(draft)).sort()).toEqual(['documentName', 'name', 'parameters']);
  });

  it('test_rejects_parameters_when_values_are_not_strings', () => {
    const draft = { ...newActionDraft('SSM_RUN_COMMAND'), name: 'x', documentName: 'AWS-RunShellScript' };
    expect(validateAction({ ...draft, parameters: '{"commands": ["uptime"]}' })).toEqual({});
    expect(validateAction({ ...draft, parameters: '{"commands": [1]}' }).parameters).toBeDefined();
    expect(validateAction({ ...draft, parameters: 'not json' }).parameters).toBeDefined();
  });

  it('test_requires_a_lambda_function_arn_when_type_is_lambda', () => {
    const draft = { ...newActionDraft('LAMBDA'), name: 'notify' };
    expect(validateAction({ ...draft, functionArn: 'my-function' }).functionArn).toMatch(/Lambda function ARN/);
    expect(validateAction({ ...draft, functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:notify' })).toEqual(
      {},
    );
  });

  it('test_requires_a_message_when_type_is_approval', () => {
    const draft = { ...newActionDraft('APPROVAL'), name: 'go/no-go' };
    expect(validateAction(draft).message).toBe('Required');
    expect(validateAction({ ...draft, message: 'Check the database' })).toEqual({});
  });

  it('test_rejects_wait_longer_than_its_timeout_when_type_is_wait', () => {
    const draft = { ...newActionDraft('WAIT'), name: 'settle', timeoutSeconds: '60' };
    expect(validateAction({ ...draft, waitSeconds: '120' }).waitSeconds).toMatch(/timeout/);
    expect(validateAction({ ...draft, waitSeconds: '0' }).waitSeconds).toBeDefined();
    expect(validateAction({ ...draft, waitSeconds: '30' })).toEqual({});
  });

  it('test_rejects_timeout_when_not_a_positive_whole_number', () => {
    const draft = { ...newActionDraft('APPROVAL'), name: 'a', message: 'm' };
    for (const bad of ['', '0', '-5', '1.5', 'ten']) {
      expect(validateAction({ ...draft, timeoutSeconds: bad }).timeoutSeconds).toBeDefined();
    }
  });

  it('test_round_trips_each_action_type_through_the_form', () => {
    const actions: Action[] = [
      {
        type: 'SSM_AUTOMATION',
        name: 'a',
        documentName: 'Doc',
        parameters: { k: ['v'] },
        timeoutSeconds: 600,
        onFailure: 'FAIL',
      },
      {
        type: 'SSM_RUN_COMMAND',
        name: 'b',
        documentName: 'Doc',
        parameters: {},
        timeoutSeconds: 60,
        onFailure: 'CONTINUE',
      },
      {
        type: 'LAMBDA',
        name: 'c',
        functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
        payload: { x: 1 },
        timeoutSeconds: 30,
        onFailure: 'FAIL',
      },
      { type: 'APPROVAL', name: 'd', message: 'ok?', timeoutSeconds: 3600, onFailure: 'FAIL' },
      { type: 'WAIT', name: 'e', seconds: 10, timeoutSeconds: 20, onFailure: 'CONTINUE' },
    ];
    for (const action of actions) {
      const draft = actionToDraft(action);
      expect(validateAction(draft)).toEqual({});
      expect(draftToAction(draft)).toEqual(action);
    }
  });

  it('test_accepts_a_lone_string_as_a_list_of_one_in_ssm_parameters', () => {
    const draft = { ...newActionDraft('SSM_AUTOMATION'), name: 'a', documentName: 'Doc', parameters: '{"k": "v"}' };
    const action = draftToAction(draft);
    expect(action.type === 'SSM_AUTOMATION' && action.parameters).toEqual({ k: ['v'] });
  });
});
