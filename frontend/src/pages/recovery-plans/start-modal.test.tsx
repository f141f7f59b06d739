// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ROLE_PERMISSIONS } from '../../auth/permissions';
import { fakeServer, renderWithApi } from '../../test/fake-api';
import { StartModal } from './start-modal';

const plan = { id: 'rp-1', name: 'shop-dr' };
const admin = new Set(ROLE_PERMISSIONS.Admin);

function primaryButton() {
  const footer = createWrapper(document.body).findModal()!.findFooter()!;
  return footer.findButton('[class*="variant-primary"]') ?? footer.findAllButtons().at(-1)!;
}

describe('start a run', () => {
  it('test_requires_the_typed_plan_name_when_starting_a_recovery', async () => {
    // Given an admin starting a recovery
    const api = fakeServer({ 'POST /v1/executions': () => ({ status: 202, body: { id: 'ex-9' } }) });
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="RECOVERY" onDismiss={() => undefined} />,
      api.client,
    );
    const button = primaryButton();
    const input = createWrapper(document.body).findInput()!;
    // When a wrong name is typed, the start button stays disabled and the mismatch is said
    input.setInputValue('shop');
    expect(button.isDisabled()).toBe(true);
    expect(screen.getByText('The name does not match the plan name.')).toBeTruthy();
    // When the exact name is typed and Start is pressed
    input.setInputValue('shop-dr');
    expect(button.isDisabled()).toBe(false);
    button.click();
    // Then the API receives the recovery with the confirmation
    await waitFor(() => expect(api.requests).toHaveLength(1));
    expect(api.requests[0]?.body).toEqual({ planId: 'rp-1', mode: 'RECOVERY', confirmPlanName: 'shop-dr' });
  });

  it('test_disables_start_with_the_reason_when_role_cannot_recover', () => {
    const operator = new Set(ROLE_PERMISSIONS.Operator);
    const api = fakeServer({});
    renderWithApi(
      <StartModal plan={plan} permissions={operator} initialMode="RECOVERY" onDismiss={() => undefined} />,
      api.client,
    );
    createWrapper(document.body).findInput()!.setInputValue('shop-dr');
    expect(primaryButton().isDisabled()).toBe(true);
    expect(screen.getAllByText('Your role does not allow you to start recoveries.').length).toBeGreaterThan(0);
  });

  it('test_starts_a_drill_without_confirmation', async () => {
    const api = fakeServer({ 'POST /v1/executions': () => ({ status: 202, body: { id: 'ex-1' } }) });
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="DRILL" onDismiss={() => undefined} />,
      api.client,
    );
    fireEvent.click(primaryButton().getElement());
    await waitFor(() => expect(api.requests[0]?.body).toEqual({ planId: 'rp-1', mode: 'DRILL' }));
  });

  it('test_shows_the_api_field_error_next_to_the_confirmation', async () => {
    const api = fakeServer({
      'POST /v1/executions': () => ({
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'confirmation does not match',
            fields: [{ name: 'confirmPlanName', message: 'must equal the plan name' }],
          },
        },
      }),
    });
    renderWithApi(
      <StartModal plan={plan} permissions={admin} initialMode="RECOVERY" onDismiss={() => undefined} />,
      api.client,
    );
    createWrapper(document.body).findInput()!.setInputValue('shop-dr');
    primaryButton().click();
    // Then the API's message for confirmPlanName sits under that field
    const message = await screen.findByText('must equal the plan name');
    const field = createWrapper(document.body)
      .findAllFormFields()
      .find(f => f.findError()?.getElement().contains(message));
    expect(field?.findLabel()?.getElement().textContent).toBe('Type the plan name (shop-dr) to confirm a recovery');
  });
});
