import { describe, expect, it } from 'vitest';
import { learn } from './server-pages';

const first = { key: '{}', tokens: [], page: 1, ended: false };

describe('paging the servers listing', () => {
  it('test_learns_the_next_pages_token_and_that_a_page_without_one_is_the_last', () => {
    const two = learn(first, 't2');
    expect(two.tokens).toEqual(['t2']);
    const three = learn({ ...two, page: 2 }, 't3');
    expect(three).toEqual({ key: '{}', tokens: ['t2', 't3'], page: 2, ended: false });
    expect(learn(three, 't3')).toBe(three); // a poll answering the same changes nothing
    const last = learn({ ...three, page: 3 }, undefined);
    expect(last).toEqual({ key: '{}', tokens: ['t2', 't3'], page: 3, ended: true });
    expect(learn(last, undefined)).toBe(last);
  });

  it('test_drops_the_later_pages_when_a_poll_shows_the_list_shrank', () => {
    const known = { key: '{}', tokens: ['t2', 't3', 't4'], page: 2, ended: false };
    expect(learn(known, undefined)).toEqual({ key: '{}', tokens: ['t2'], page: 2, ended: true });
    expect(learn(known, 'other')).toEqual({ key: '{}', tokens: ['t2', 'other'], page: 2, ended: false });
  });
});
