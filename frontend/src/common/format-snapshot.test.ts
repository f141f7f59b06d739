import { describe, expect, it } from 'vitest';
import { formatSnapshot } from './format';

describe('the servers of a run', () => {
  it('test_shows_the_recovery_snapshot_and_when_it_was_taken_for_a_point_in_time_run', () => {
    expect(formatSnapshot({ recoverySnapshotId: 'pit-1', snapshotTakenAt: '2026-12-01T02:50:00Z' })).toBe(
      'pit-1 (2026-12-01 02:50:00Z)',
    );
    expect(formatSnapshot({ recoverySnapshotId: null, snapshotTakenAt: null })).toBe('-');
  });
});
