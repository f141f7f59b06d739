// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProtectionGroup } from '../../api/types';
import { ROLE_PERMISSIONS } from '../../auth/permissions';
import { fakeServer, renderWithApi } from '../../test/fake-api';
import { draftToInput, newWaveDraft, type PlanDraft } from './plan-draft';
import { PlanEditor } from './root';

beforeAll(() => {
  // jsdom has no layout engine; the graph only needs the observer to exist.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

const groups = [{ id: 'pg-1', name: 'databases', accountId: '111122223333', region: 'us-east-1' }] as ProtectionGroup[];

function plan(): PlanDraft {
  const a = { ...newWaveDraft([]), id: 'a', name: 'Alpha', protectionGroupIds: ['pg-1'] };
  const b = { ...newWaveDraft([a]), id: 'b', name: 'Beta', protectionGroupIds: ['pg-1'] };
  b.dependsOn = [{ waveId: 'a', condition: 'HEALTHY' }];
  return { name: 'shop-dr', description: '', rtoTargetMinutes: '60', drillTtlHours: '8', waves: [a, b] };
}

function renderEditor(initial: PlanDraft, onSave: (d: PlanDraft) => void = () => undefined) {
  renderWithApi(
    <PlanEditor
      planId={undefined}
      initial={initial}
      groups={groups}
      permissions={new Set(ROLE_PERMISSIONS.Admin)}
      saving={false}
      saveError={null}
      onSave={onSave}
      onCancel={() => undefined}
      readiness={{ check: undefined, error: null, loading: false, run: () => undefined }}
    />,
    fakeServer({}).client,
  );
}

function addDependency(waveIndex: number, prerequisite: string) {
  const body = createWrapper(document.body);
  const section = body.findAllExpandableSections()[waveIndex]!;
  if (section.findExpandButton().getElement().getAttribute('aria-expanded') !== 'true')
    section.findExpandButton().click();
  // The wave's last select is the one that picks a new dependency.
  const select = createWrapper(section.getElement()).findAllSelects().at(-1)!;
  select.openDropdown();
  select.selectOptionByValue(prerequisite);
  createWrapper(section.getElement())
    .findAllButtons()
    .find(b => b.findTextRegion()?.getElement().textContent === 'Add dependency')!
    .click();
}

describe('plan builder', () => {
  it('test_refuses_a_dependency_naming_the_cycle_when_it_would_close_one', () => {
    // Given Beta depends on Alpha
    const saved: PlanDraft[] = [];
    renderEditor(plan(), d => saved.push(d));
    // When Alpha is made to depend on Beta through its form
    addDependency(0, 'b');
    // Then the builder refuses it, naming the cycle, and the plan still saves without it
    expect(screen.getByText('Refused: this dependency would close a cycle (a -> b -> a).')).toBeTruthy();
    createWrapper(document.body).findButton('[type="submit"]')!.click();
    expect(saved[0]?.waves[0]?.dependsOn).toEqual([]);
  });

  it('test_health_check_is_on_with_the_products_document_and_switches_off_when_unchecked', () => {
    // Given a new plan's first wave, opened
    const saved: PlanDraft[] = [];
    renderEditor(plan(), d => saved.push(d));
    const body = createWrapper(document.body);
    const section = body.findAllExpandableSections()[0]!;
    if (section.findExpandButton().getElement().getAttribute('aria-expanded') !== 'true')
      section.findExpandButton().click();
    const scope = createWrapper(section.getElement());
    const checkbox = scope
      .findAllCheckboxes()
      .find(c => c.findLabel().getElement().textContent === 'Run a health check after launch')!;
    // Then its health check is on, the empty document field saying it means the product's check
    expect(checkbox.findNativeInput().getElement().checked).toBe(true);
    const documentField = scope
      .findAllFormFields()
      .find(f => f.findLabel()?.getElement().textContent === 'Document name')!;
    expect(documentField.findDescription()?.getElement().textContent).toContain(
      "the product's post-launch health check",
    );
    // When it is unchecked and the plan saved
    checkbox.findNativeInput().click();
    body.findButton('[type="submit"]')!.click();
    // Then the wave goes out without a health gate, the other one keeps the product's
    expect(draftToInput(saved[0]!).waves.map(w => w.healthCheck)).toEqual([
      null,
      { documentName: null, parameters: {}, timeoutSeconds: 900 },
    ]);
  });

  it('test_shows_errors_next_to_fields_and_does_not_save_when_plan_is_invalid', () => {
    const draft = plan();
    draft.name = '';
    const saved: PlanDraft[] = [];
    renderEditor(draft, d => saved.push(d));
    const body = createWrapper(document.body);
    body.findButton('[type="submit"]')!.click();
    const nameField = body.findAllFormFields().find(f => f.findLabel()?.getElement().textContent === 'Name')!;
    expect(nameField.findError()?.getElement().textContent).toBe('Required');
    expect(saved).toEqual([]);
  });
});
