// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import type { ProtectionGroup } from '../../api/types';
import { fakeServer, renderWithApi } from '../../test/fake-api';
import { ProtectionGroupForm } from './root';
import type { GroupDraft } from './validation';

const input: GroupDraft = {
  name: 'shop-web',
  description: '',
  accountId: '111122223333',
  region: 'us-east-1',
  sourceServerIds: ['s-1'],
  tagSelector: {},
};

const servers = [
  { sourceServerId: 's-1', hostname: 'web-1', tags: {}, replicationState: 'CONTINUOUS' },
  { sourceServerId: 's-2', hostname: 'web-2', tags: {}, replicationState: 'STALLED' },
];

const inventory = {
  // The API searches: a piece of the host name or id, any case.
  'GET /v1/drs/source-servers': ({ url }: { url: URL }) => {
    const search = (url.searchParams.get('search') ?? '').toLowerCase();
    return {
      body: { items: servers.filter(s => `${s.sourceServerId} ${s.hostname}`.toLowerCase().includes(search)) },
    };
  },
};

const other = {
  id: 'pg-other',
  name: 'shop-db',
  accountId: '111122223333',
  region: 'us-east-1',
  sourceServerIds: ['s-2'],
} as ProtectionGroup;

function renderForm(saveError: unknown, onSave: (i: GroupDraft) => void = () => undefined, initial = input) {
  const api = fakeServer(inventory);
  renderWithApi(
    <ProtectionGroupForm
      groupId={undefined}
      title={undefined}
      initial={initial}
      accounts={[]}
      groups={[other]}
      writeGate={{ allowed: true }}
      saving={false}
      saveError={saveError}
      onSave={onSave}
      onCancel={() => undefined}
    />,
    api.client,
  );
  return api;
}

describe('protection group form', () => {
  it('test_shows_the_one_group_per_server_conflict_next_to_the_server_when_api_refuses', async () => {
    // Given the API answered 409 naming the first selected server
    const conflict = new ApiError(409, 'CONFLICT', 'server already protected', [
      { name: 'sourceServerIds[0]', message: 's-1 already belongs to pg-db' },
    ]);
    renderForm(conflict);
    // Then the message is shown on that server's row of the picker
    const message = await screen.findByText('s-1 already belongs to pg-db');
    const row = message.closest('tr');
    expect(row?.textContent).toContain('web-1');
  });

  it('test_marks_and_disables_servers_of_other_groups_before_saving', async () => {
    renderForm(null);
    const warning = await screen.findByText(/already belongs to another protection group: shop-db/);
    const row = warning.closest('tr')!;
    expect(row.querySelector('input[type="checkbox"]')?.hasAttribute('disabled')).toBe(true);
  });

  it('test_shows_client_errors_next_to_fields_and_does_not_save_when_invalid', async () => {
    const saved: GroupDraft[] = [];
    renderForm(null, i => saved.push(i), { ...input, name: '', accountId: '12', sourceServerIds: [] });
    createWrapper(document.body).findButton('[type="submit"]')!.click();
    expect(await screen.findByText('Must be 12 digits')).toBeTruthy();
    expect(screen.getByText('Pick at least one server or add a tag selector')).toBeTruthy();
    const nameField = createWrapper(document.body).findAllFormFields()[0]!;
    expect(nameField.findError()?.getElement().textContent).toBe('Required');
    expect(saved).toEqual([]);
  });

  it('test_picker_asks_the_api_for_the_search_and_lists_only_its_answer_when_a_host_name_is_typed', async () => {
    // Given the picker lists the inventory
    const api = renderForm(null);
    await screen.findByText('web-2');
    // When a piece of a host name is typed in its filter
    const filter = createWrapper(document.body).findTextFilter()!;
    filter.findInput().setInputValue('WEB-2');
    // Then the API is asked for it and only its answer is listed
    const lastAsked = () => api.requests.filter(r => r.url.pathname === '/v1/drs/source-servers').at(-1)!.url;
    await waitFor(() => expect(lastAsked().searchParams.get('search')).toBe('WEB-2'));
    expect(lastAsked().searchParams.get('accountId')).toBe('111122223333');
    await waitFor(() => expect(screen.queryByText('web-1')).toBeNull());
    expect(await screen.findByText('web-2')).toBeTruthy();
  });

  it('test_saves_the_group_when_valid', async () => {
    const saved: GroupDraft[] = [];
    renderForm(null, i => saved.push(i));
    await screen.findByText('web-1');
    createWrapper(document.body).findButton('[type="submit"]')!.click();
    expect(saved).toEqual([input]);
  });
});
