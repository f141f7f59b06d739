// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Execution } from '../../../api/types';
import { ROLE_PERMISSIONS } from '../../../auth/permissions';
import { fakeServer, renderWithApi } from '../../../test/fake-api';
import { execution } from '../../../test/fixtures';
import { FailbackSection } from './failback-section';
import { RunMode } from './run-mode';

const admin = new Set(ROLE_PERMISSIONS.Admin);
const failback = execution({ id: 'ex-fb', mode: 'FAILBACK', status: 'SUCCEEDED', sourceExecutionId: 'ex-rec' });

function button(name: string) {
  const found = createWrapper(document.body)
    .findAllButtons()
    .find(b => b.findTextRegion()?.getElement().textContent === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
}

function renderSection(run: Execution, permissions = admin, routes = {}) {
  const api = fakeServer(routes);
  renderWithApi(<FailbackSection execution={run} planName="shop-dr" permissions={permissions} />, api.client);
  return api;
}

describe('the failback section of a run', () => {
  it('test_reprotect_reports_each_server_when_an_admin_asks_on_a_finished_failback', async () => {
    // Given a failback that succeeded
    const api = renderSection(failback, admin, {
      'POST /v1/executions/ex-fb/reprotect': () => ({
        body: {
          items: [
            { sourceServerId: 's-1', status: 'REPROTECTED', message: 'StartReplication: INITIATING' },
            { sourceServerId: 's-2', status: 'ALREADY_PROTECTED', message: 'it replicates' },
            { sourceServerId: 's-3', status: 'FAILED', message: 'install the AWS Replication Agent again' },
          ],
        },
      }),
    });
    // When the admin re-protects
    button('Re-protect').click();
    // Then every server's result is shown with its message
    const table = await screen.findByRole('table', { name: 'Re-protect results' });
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    expect(rows.map(r => r.textContent)).toEqual([
      's-1Re-protectedStartReplication: INITIATING',
      's-2Already protectedit replicates',
      's-3Failedinstall the AWS Replication Agent again',
    ]);
    expect(api.requests.map(r => `${r.method} ${r.url.pathname}`)).toEqual(['POST /v1/executions/ex-fb/reprotect']);
  });

  it('test_cleans_up_only_after_confirmation_and_shows_each_result', async () => {
    const api = renderSection(failback, admin, {
      'POST /v1/executions/ex-fb/failback-cleanup': () => ({
        body: {
          items: [
            { sourceServerId: 's-1', recoveryInstanceId: 'i-1', status: 'CLEANED_UP', message: 'disconnected' },
            { sourceServerId: 's-2', recoveryInstanceId: null, status: 'FAILED', message: 'not recovered' },
          ],
        },
      }),
    });
    // When the admin asks for the clean-up, nothing is sent before they confirm
    button('Clean up failback').click();
    await screen.findByText(/The instances are not terminated/);
    expect(api.requests).toHaveLength(0);
    const modal = createWrapper(document.body).findModal()!;
    modal.findFooter()!.findButton('[class*="variant-primary"]')!.click();
    // Then the clean-up runs once and reports each server
    const table = await screen.findByRole('table', { name: 'Clean-up results' });
    expect(api.requests.map(r => r.url.pathname)).toEqual(['/v1/executions/ex-fb/failback-cleanup']);
    expect(table.textContent).toContain('i-1');
    expect(table.textContent).toContain('Cleaned up');
    expect(table.textContent).toContain('not recovered');
  });

  it('test_disables_reprotect_with_the_reason_when_the_failback_failed', () => {
    renderSection({ ...failback, status: 'FAILED' });
    expect(button('Re-protect').isDisabled()).toBe(true);
    expect(screen.getAllByText('Only a failback that ended SUCCEEDED or PARTIAL is re-protected.')[0]).toBeTruthy();
    // the clean-up stays possible after a failed failback
    expect(button('Clean up failback').isDisabled()).toBe(false);
  });

  it('test_disables_every_failback_action_when_the_role_cannot_recover', () => {
    renderSection(failback, new Set(ROLE_PERMISSIONS.Operator));
    expect(button('Re-protect').isDisabled()).toBe(true);
    expect(button('Clean up failback').isDisabled()).toBe(true);
  });

  it('test_offers_fail_back_only_on_a_recovery_that_ended_well', async () => {
    // a running recovery cannot fail back yet
    const { unmount } = renderWithApi(
      <FailbackSection
        execution={execution({ id: 'ex-rec', mode: 'RECOVERY', status: 'RUNNING' })}
        planName="shop-dr"
        permissions={admin}
      />,
      fakeServer({}).client,
    );
    expect(button('Fail back').isDisabled()).toBe(true);
    expect(screen.getAllByText('Wait until the run has ended.')[0]).toBeTruthy();
    unmount();
    // a succeeded one opens the failback dialog
    renderSection(execution({ id: 'ex-rec', mode: 'RECOVERY', status: 'PARTIAL' }));
    button('Fail back').click();
    await screen.findByText('Fail back shop-dr');
  });

  it('test_shows_nothing_for_a_drill', () => {
    renderSection(execution({ mode: 'DRILL', status: 'SUCCEEDED' }));
    expect(screen.queryByText('Failback')).toBeNull();
  });
});

describe('the mode of a run', () => {
  it('test_a_failback_links_its_source_recovery', () => {
    renderWithApi(<RunMode mode="FAILBACK" sourceExecutionId="ex-rec" />, fakeServer({}).client);
    expect(screen.getByText('Failback of', { exact: false })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'ex-rec' }).getAttribute('href')).toBe('/executions/ex-rec');
  });

  it('test_other_modes_show_their_name_only', async () => {
    renderWithApi(<RunMode mode="RECOVERY" sourceExecutionId={null} />, fakeServer({}).client);
    await waitFor(() => expect(screen.getByText('Recovery')).toBeTruthy());
    expect(screen.queryByRole('link')).toBeNull();
  });
});
