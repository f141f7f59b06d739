// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../api/types';
import { ROLE_PERMISSIONS } from '../../auth/permissions';
import { fakeServer, renderWithApi } from '../../test/fake-api';
import { describeLastResult, formatInZone } from './schedule-draft';
import { SchedulesSection } from './schedules-section';

const admin = new Set(ROLE_PERMISSIONS.Admin);
const viewer = new Set(ROLE_PERMISSIONS.Viewer);
const path = '/v1/recovery-plans/rp-1/schedules';

const schedule: Schedule = {
  id: 'sch-1',
  planId: 'rp-1',
  expression: 'cron(0 3 ? * SAT#1 *)',
  timezone: 'Europe/Berlin',
  mode: 'DRILL',
  enabled: true,
  anchorAt: '2026-12-05T10:00:00Z',
  nextRunAt: '2027-01-02T02:00:00Z',
  lastResult: null,
  version: 2,
  createdAt: '2026-12-05T10:00:00Z',
  createdBy: 'admin',
  updatedAt: '2026-12-05T10:00:00Z',
  updatedBy: 'admin',
};

function dialog() {
  return createWrapper(document.body).findModal()!;
}

function save() {
  return dialog().findFooter()!.findAllButtons().at(-1)!;
}

describe('drill schedules', () => {
  it('test_shows_the_next_run_in_the_schedules_time_zone_when_listed', async () => {
    // Given a plan with a schedule at 03:00 Berlin time
    const api = fakeServer({ [`GET ${path}`]: () => ({ body: { items: [schedule] } }) });

    // When its page shows the schedules
    renderWithApi(<SchedulesSection planId="rp-1" permissions={viewer} />, api.client);

    // Then the next run is given at the Berlin wall clock (02:00 UTC), with the zone named
    await waitFor(() => expect(screen.getByText('Sat, 2 Jan 2027, 03:00 CET')).toBeTruthy());
    expect(screen.getByText('Europe/Berlin')).toBeTruthy();
    // and a viewer may not add one, and is told why
    expect(createWrapper(document.body).findButton()!.isDisabled()).toBe(true);
  });

  it('test_posts_a_drill_schedule_in_the_chosen_time_zone_when_the_form_is_saved', async () => {
    // Given an admin on a plan without schedules
    const api = fakeServer({
      [`GET ${path}`]: () => ({ body: { items: [] } }),
      [`POST ${path}`]: () => ({ status: 201, body: schedule }),
    });
    renderWithApi(<SchedulesSection planId="rp-1" permissions={admin} />, api.client);
    await waitFor(() => expect(screen.getByText('No drill schedules')).toBeTruthy());

    // When they add a schedule: an expression, a time zone, disabled
    createWrapper(document.body).findButton()!.click();
    const form = dialog();
    form.findContent().findInput()!.setInputValue('cron(0 3 ? * SAT#1 *)');
    form.findContent().findAutosuggest()!.setInputValue('Europe/Berlin');
    form.findContent().findToggle()!.findNativeInput().click();
    save().click();

    // Then the API receives a DRILL schedule as entered
    await waitFor(() => expect(api.requests.some(r => r.method === 'POST')).toBe(true));
    const posted = api.requests.find(r => r.method === 'POST');
    expect(posted?.body).toEqual({
      expression: 'cron(0 3 ? * SAT#1 *)',
      timezone: 'Europe/Berlin',
      mode: 'DRILL',
      enabled: false,
    });
  });

  it('test_shows_the_apis_reason_next_to_the_field_when_the_expression_is_refused', async () => {
    const api = fakeServer({
      [`GET ${path}`]: () => ({ body: { items: [] } }),
      [`POST ${path}`]: () => ({
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'invalid request',
            fields: [{ name: 'expression', message: 'drills are scheduled at most hourly' }],
          },
        },
      }),
    });
    renderWithApi(<SchedulesSection planId="rp-1" permissions={admin} />, api.client);
    await waitFor(() => expect(screen.getByText('No drill schedules')).toBeTruthy());
    createWrapper(document.body).findButton()!.click();
    dialog().findContent().findInput()!.setInputValue('rate(30 minutes)');
    save().click();

    await waitFor(() => expect(screen.getByText('drills are scheduled at most hourly')).toBeTruthy());
  });

  it('test_refuses_an_expression_that_is_neither_cron_nor_rate_without_asking_the_api', async () => {
    const api = fakeServer({ [`GET ${path}`]: () => ({ body: { items: [] } }) });
    renderWithApi(<SchedulesSection planId="rp-1" permissions={admin} />, api.client);
    await waitFor(() => expect(screen.getByText('No drill schedules')).toBeTruthy());
    createWrapper(document.body).findButton()!.click();
    dialog().findContent().findInput()!.setInputValue('every saturday');
    save().click();

    expect(screen.getByText('Enter a cron(...) or rate(...) expression.')).toBeTruthy();
    expect(api.requests.filter(r => r.method === 'POST')).toHaveLength(0);
  });
});

describe('schedule times and results', () => {
  it('test_formats_an_instant_at_the_wall_clock_of_the_zone_when_summer_time_applies', () => {
    expect(formatInZone('2027-07-03T01:00:00Z', 'Europe/Berlin')).toBe('Sat, 3 Jul 2027, 03:00 CEST');
    expect(formatInZone(null, 'UTC')).toBe('Not scheduled');
  });

  it('test_describes_the_last_firing_when_it_started_a_drill_or_could_not', () => {
    expect(describeLastResult(schedule)).toBe('Not fired yet');
    expect(describeLastResult({ ...schedule, lastResult: { at: 'x', executionId: 'ex-1' } })).toBe('Started ex-1');
    expect(describeLastResult({ ...schedule, lastResult: { at: 'x', error: 'plan busy' } })).toBe(
      'Not started: plan busy',
    );
  });
});
