import { describe, expect, it } from 'vitest';
import { snapshotCell } from './servers-table';

describe('the servers of a run', () => {
  it('test_shows_the_recovery_snapshot_and_when_it_was_taken_for_a_point_in_time_run', () => {
    expect(snapshotCell({ recoverySnapshotId: 'pit-1', snapshotTakenAt: '2026-12-01T02:50:00Z' })).toBe(
      'pit-1 (2026-12-01 02:50:00Z)',
    );
    expect(snapshotCell({ recoverySnapshotId: null, snapshotTakenAt: null })).toBe('-');
  });
});
