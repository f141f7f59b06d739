// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { execution, server, wave } from '../../test/fixtures';
import { SERVER_PAGE_SIZE, ServersTable } from './servers-table';

const run = execution({
  waves: ['db', 'app'].map(id =>
    wave({
      id,
      name: id.toUpperCase(),
      servers: Array.from({ length: 2000 }, (_, n) =>
        server({
          sourceServerId: `s-${id}-${n}`,
          launchStatus: n % 10 === 0 ? 'FAILED' : 'LAUNCHED',
          accountId: n % 2 ? '222222222222' : '111111111111',
          region: 'us-east-1',
        }),
      ),
    }),
  ),
});

function select(label: string, option: string) {
  const wrapper = createWrapper(document.body)
    .findAllSelects()
    .find(s => s.getElement().textContent?.includes(label))!;
  wrapper.openDropdown();
  wrapper.selectOptionByValue(option);
}

describe('servers table', () => {
  it('test_renders_one_page_of_rows_and_narrows_by_the_filters_when_a_run_has_4000_servers', () => {
    render(<ServersTable execution={run} waveName={id => id.toUpperCase()} now={new Date('2026-01-01T11:00:00Z')} />);
    const table = createWrapper(document.body).findTable()!;
    const pagination = createWrapper(document.body).findPagination()!;
    expect(table.findRows()).toHaveLength(SERVER_PAGE_SIZE);
    expect(pagination.findPageNumbers()).not.toHaveLength(0);
    expect(pagination.findPageNumberByIndex(8)).toBeNull(); // pages are elided, not 80 buttons
    expect(table.findHeaderSlot()?.getElement().textContent).toContain('(4000)');

    select('Wave', 'app');
    select('Launch status', 'FAILED');
    select('Account', '222222222222');

    // 2000 servers in app, every tenth failed (all on even numbers: account 111...): none match
    expect(table.findRows()).toHaveLength(0);
    select('Account', '111111111111');
    expect(table.findRows()).toHaveLength(SERVER_PAGE_SIZE);
    expect(table.findRows().every(r => r.getElement().textContent?.includes('s-app-'))).toBe(true);
    // 200 of them (every tenth of 2000): four pages of 50
    expect(pagination.findPageNumbers()).toHaveLength(4);
  });
});
