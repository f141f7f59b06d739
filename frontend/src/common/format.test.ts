import { describe, expect, it } from 'vitest';
import { elapsedMinutes, formatAge, formatAgo, formatDateTime, formatMinutes, formatTime, notBefore } from './format';

describe('time formatting', () => {
  it('test_formats_durations_in_minutes_then_hours', () => {
    expect(formatMinutes(7.46)).toBe('7.5 min');
    expect(formatMinutes(135)).toBe('2 h 15 min');
    expect(formatMinutes(-90)).toBe('-1 h 30 min');
  });

  it('test_formats_ages_relative_to_the_given_now', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(formatAge('2026-01-10T11:59:30Z', now)).toBe('now');
    expect(formatAge('2026-01-10T11:15:00Z', now)).toBe('45 min');
    expect(formatAge('2026-01-09T12:00:00Z', now)).toBe('24 h');
    expect(formatAge('2026-01-01T12:00:00Z', now)).toBe('9 d');
  });

  it('test_phrases_an_age_as_just_now_when_under_a_minute_or_in_the_future', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(formatAgo('2026-01-10T11:59:30Z', now)).toBe('just now');
    expect(formatAgo('2026-01-10T12:05:00Z', now)).toBe('just now');
    expect(formatAgo('2026-01-10T11:15:00Z', now)).toBe('45 min ago');
  });

  it('test_formats_the_time_of_day_in_utc_when_given_a_timestamp', () => {
    expect(formatTime('2026-01-10T15:17:50.123Z')).toBe('15:17:50Z');
    expect(formatTime(null)).toBe('-');
  });

  it('test_takes_the_latest_record_time_as_now_when_the_clock_is_behind', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(notBefore(now, ['2026-01-10T15:30:00Z', null, '2026-01-10T13:00:00Z']).toISOString()).toBe(
      '2026-01-10T15:30:00.000Z',
    );
    expect(notBefore(now, ['2026-01-10T11:00:00Z', undefined])).toEqual(now);
  });

  it('test_measures_elapsed_time_until_now_while_running', () => {
    const now = new Date('2026-01-10T12:30:00Z');
    expect(elapsedMinutes('2026-01-10T12:00:00Z', null, now)).toBe(30);
    expect(elapsedMinutes('2026-01-10T12:00:00Z', '2026-01-10T12:10:00Z', now)).toBe(10);
    expect(elapsedMinutes(null, null, now)).toBeNull();
    expect(formatDateTime('2026-01-10T12:00:00.123Z')).toBe('2026-01-10 12:00:00Z');
    expect(formatDateTime(null)).toBe('-');
  });
});
