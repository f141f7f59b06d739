import { describe, expect, it } from 'vitest';
import { ApiClient } from './client';
import { ServerClock } from './server-clock';

describe('server clock', () => {
  it('test_now_is_the_servers_time_when_an_answer_said_it_and_the_browser_is_far_behind', async () => {
    // Given a browser at 2026-01-01 and a server (local mode's simulated time) thirty days ahead
    let browser = Date.parse('2026-01-01T00:00:00Z');
    const clock = new ServerClock(() => browser);
    const fetchImpl: typeof fetch = async () =>
      new Response('{}', {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'X-Server-Time': '2026-01-31T00:00:00Z' },
      });
    const client = new ApiClient('https://api.test/v1', async () => 'id-token', fetchImpl, clock);
    // When an answer arrives and ten seconds pass in the browser
    await client.request('/me');
    browser += 10_000;
    // Then "now" is the server's time, moved on by those ten seconds
    expect(client.clock.now().toISOString()).toBe('2026-01-31T00:00:10.000Z');
    expect(client.clock.at(Date.parse('2026-01-01T00:00:05Z')).toISOString()).toBe('2026-01-31T00:00:05.000Z');
  });

  it('test_now_is_the_browsers_time_when_no_answer_carried_the_servers', () => {
    const clock = new ServerClock(() => Date.parse('2026-01-01T00:00:00Z'));
    clock.note(null);
    clock.note('not a time');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
