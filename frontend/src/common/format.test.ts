import { describe, expect, it } from 'vitest';
import { elapsedMinutes, formatAge, formatDateTime, formatMinutes } from './format';

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

  it('test_measures_elapsed_time_until_now_while_running', () => {
    const now = new Date('2026-01-10T12:30:00Z');
    expect(elapsedMinutes('2026-01-10T12:00:00Z', null, now)).toBe(30);
    expect(elapsedMinutes('2026-01-10T12:00:00Z', '2026-01-10T12:10:00Z', now)).toBe(10);
    expect(elapsedMinutes(null, null, now)).toBeNull();
    expect(formatDateTime('2026-01-10T12:00:00.123Z')).toBe('2026-01-10 12:00:00Z');
    expect(formatDateTime(null)).toBe('-');
  });
});
