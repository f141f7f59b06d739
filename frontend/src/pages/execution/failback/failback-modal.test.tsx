// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../api/client';
import { ROLE_PERMISSIONS } from '../../../auth/permissions';
import { LocalModeProvider } from '../../../local-mode';
import { fakeServer, renderWithApi } from '../../../test/fake-api';
import { FailbackModal } from './failback-modal';
import { failbackCheck, serverReadiness } from './failback-fixtures';

const recovery = { id: 'ex-rec', planId: 'rp-1', mode: 'RECOVERY', status: 'SUCCEEDED' } as const;
const admin = new Set(ROLE_PERMISSIONS.Admin);
const CHECKS = 'POST /v1/recovery-plans/rp-1/readiness-checks';
const CONNECT = 'POST /local/executions/ex-rec/connect-failback-clients';

const notReady = [
  serverReadiness({ sourceServerId: 's-db-ready' }),
  serverReadiness({
    sourceServerId: 's-app-onprem',
    verdict: 'BLOCKED',
    failbackState: 'FAILBACK_NOT_STARTED',
    reasons: [
      { code: 'FAILBACK_CLIENT_NOT_CONNECTED', severity: 'BLOCKING', message: 'no failback client is connected' },
    ],
  }),
  serverReadiness({
    sourceServerId: 's-web-ec2',
    verdict: 'WARNINGS',
    reverseReplicationPercent: 42.7,
    reasons: [{ code: 'REVERSE_REPLICATION_NOT_READY', severity: 'WARNING', message: 'reversed replication syncs' }],
  }),
  serverReadiness({
    sourceServerId: 's-gone',
    verdict: 'BLOCKED',
    reasons: [{ code: 'RECOVERY_INSTANCE_TERMINATED', severity: 'BLOCKING', message: 'its instance was terminated' }],
  }),
];

function startButton() {
  const footer = createWrapper(document.body).findModal()!.findFooter()!;
  return footer.findButton('[class*="variant-primary"]')!;
}

function confirmInput() {
  return createWrapper(document.body).findModal()!.findContent().findInput()!;
}

describe('the failback dialog', () => {
  it('test_names_each_server_not_ready_with_its_reason_when_the_dialog_opens', async () => {
    // Given a recovery of which three servers are not ready to fail back
    const api = fakeServer({ [CHECKS]: () => ({ status: 201, body: failbackCheck(notReady) }) });
    // When an admin opens the failback dialog
    renderWithApi(
      <FailbackModal recovery={recovery} planName="shop-dr" permissions={admin} onDismiss={() => undefined} />,
      api.client,
    );
    // Then the failback readiness of that recovery is checked
    await screen.findByText('2 servers cannot fail back yet: they will fail unless fixed first.');
    expect(screen.getByText('1 server fails back with warnings.')).toBeTruthy();
    const query = api.requests[0]!.url.searchParams;
    expect([query.get('mode'), query.get('sourceExecutionId')]).toEqual(['FAILBACK', 'ex-rec']);
    // and each server not ready is named with why: client, reverse replication progress, terminated instance
    const table = createWrapper(document.body).findTable()!;
    const rows = table.findRows().map(r => r.getElement().textContent);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('s-app-onprem');
    expect(rows[0]).toContain('FAILBACK_NOT_STARTED');
    expect(rows[0]).toContain('no failback client is connected');
    expect(rows[1]).toContain('Reverse replication 42 %');
    expect(rows[2]).toContain('its instance was terminated');
    expect(screen.queryByText('s-db-ready')).toBeNull();
  });

  it('test_starts_the_failback_of_the_recovery_when_the_plan_name_is_typed', async () => {
    const api = fakeServer({
      [CHECKS]: () => ({ status: 201, body: failbackCheck([serverReadiness()]) }),
      'POST /v1/executions': () => ({ status: 202, body: { executionId: 'ex-fb', status: 'PENDING' } }),
    });
    renderWithApi(
      <FailbackModal recovery={recovery} planName="shop-dr" permissions={admin} onDismiss={() => undefined} />,
      api.client,
    );
    await screen.findByText('Every server of the recovery can fail back.');
    // When a wrong name is typed the start stays disabled
    confirmInput().setInputValue('shop');
    expect(startButton().isDisabled()).toBe(true);
    expect(screen.getByText('The name does not match the plan name.')).toBeTruthy();
    // When the plan's name is typed and the failback started
    confirmInput().setInputValue('shop-dr');
    startButton().click();
    // Then the API is asked for a FAILBACK of that recovery, confirmed by the name
    await waitFor(() => expect(api.requests.filter(r => r.url.pathname === '/v1/executions')).toHaveLength(1));
    expect(api.requests.find(r => r.url.pathname === '/v1/executions')?.body).toEqual({
      planId: 'rp-1',
      mode: 'FAILBACK',
      sourceExecutionId: 'ex-rec',
      confirmPlanName: 'shop-dr',
    });
  });

  it('test_disables_the_failback_with_the_reason_when_the_role_cannot_recover', async () => {
    const api = fakeServer({ [CHECKS]: () => ({ status: 201, body: failbackCheck([serverReadiness()]) }) });
    renderWithApi(
      <FailbackModal
        recovery={recovery}
        planName="shop-dr"
        permissions={new Set(ROLE_PERMISSIONS.Operator)}
        onDismiss={() => undefined}
      />,
      api.client,
    );
    confirmInput().setInputValue('shop-dr');
    expect(startButton().isDisabled()).toBe(true);
    expect(screen.getAllByText('Your role does not allow you to start recoveries.').length).toBeGreaterThan(0);
  });

  it('test_offers_no_client_connection_when_not_in_local_mode', async () => {
    const api = fakeServer({ [CHECKS]: () => ({ status: 201, body: failbackCheck(notReady) }) });
    renderWithApi(
      <FailbackModal recovery={recovery} planName="shop-dr" permissions={admin} onDismiss={() => undefined} />,
      api.client,
    );
    await screen.findByText(/servers cannot fail back yet/);
    expect(screen.queryByText('Connect failback clients (local mode demo)')).toBeNull();
  });

  it('test_connects_the_failback_clients_and_checks_again_when_asked_in_local_mode', async () => {
    // Given local mode, whose clients are not connected until the demo action runs
    let connected = false;
    const api = fakeServer({
      [CHECKS]: () => ({ status: 201, body: failbackCheck(connected ? [serverReadiness()] : notReady) }),
      [CONNECT]: () => {
        connected = true;
        return {
          body: {
            localModeOnly: true,
            message: 'local mode connects failback clients for the demo',
            items: [
              { sourceServerId: 's-app-onprem', recoveryInstanceId: 'i-1', status: 'CONNECTED', message: 'paired' },
              { sourceServerId: 's-web-ec2', recoveryInstanceId: 'i-2', status: 'SKIPPED', message: 'EC2 origin' },
            ],
          },
        };
      },
    });
    const local = new ApiClient('https://console.test', async () => 'id-token', api.fetchImpl);
    renderWithApi(
      <LocalModeProvider client={local}>
        <FailbackModal recovery={recovery} planName="shop-dr" permissions={admin} onDismiss={() => undefined} />
      </LocalModeProvider>,
      api.client,
    );
    await screen.findByText(/servers cannot fail back yet/);
    // When the admin asks local mode to connect the failback clients
    screen.getByText('Connect failback clients (local mode demo)').click();
    // Then the local route is called at the console's origin with the same token, and says it is local only
    await screen.findByText('local mode connects failback clients for the demo');
    const call = api.requests.find(r => r.url.pathname.startsWith('/local/'))!;
    expect([call.url.origin, call.headers.Authorization]).toEqual(['https://console.test', 'id-token']);
    expect(screen.getByText('Connected')).toBeTruthy();
    expect(screen.getByText('Skipped')).toBeTruthy();
    // and the readiness is checked again, now with every server ready
    await screen.findByText('Every server of the recovery can fail back.');
    expect(api.requests.filter(r => r.url.pathname.endsWith('/readiness-checks'))).toHaveLength(2);
  });
});
