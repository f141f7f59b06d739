import { describe, expect, it } from 'vitest';
import type { Dependency } from '../api/types';
import { addDependency, findCycle, removeDependency } from './dag';

const wave = (id: string, ...deps: string[]) => ({
  id,
  dependsOn: deps.map((waveId): Dependency => ({ waveId, condition: 'HEALTHY' })),
});

describe('wave dependency graph editing', () => {
  it('test_adds_dependency_when_it_keeps_the_graph_acyclic', () => {
    // Given network <- db, and an app wave with no dependency
    const waves = [wave('network'), wave('db', 'network'), wave('app')];
    // When app is made to depend on db, healthy
    const result = addDependency(waves, 'db', 'app', 'LAUNCHED');
    // Then the edge is added with its condition and nothing else changes
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.waves.find(w => w.id === 'app')?.dependsOn).toEqual([{ waveId: 'db', condition: 'LAUNCHED' }]);
    expect(result.waves.find(w => w.id === 'db')).toBe(waves[1]);
  });

  it('test_refuses_edge_naming_the_cycle_when_it_closes_a_cycle', () => {
    // Given network <- db <- app
    const waves = [wave('network'), wave('db', 'network'), wave('app', 'db')];
    // When network is made to depend on app
    const result = addDependency(waves, 'app', 'network');
    // Then it is refused and the reason names the whole cycle
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('network -> app -> db -> network');
  });

  it('test_refuses_edge_when_it_is_a_self_loop_or_a_duplicate', () => {
    const waves = [wave('db'), wave('app', 'db')];
    expect(addDependency(waves, 'app', 'app').ok).toBe(false);
    expect(addDependency(waves, 'db', 'app').ok).toBe(false);
  });

  it('test_refuses_edge_when_a_wave_is_unknown', () => {
    const result = addDependency([wave('db')], 'db', 'ghost');
    expect(result).toEqual({ ok: false, reason: 'Unknown wave: ghost' });
  });

  it('test_removes_only_the_named_dependency', () => {
    const waves = [wave('a'), wave('b'), wave('c', 'a', 'b')];
    const after = removeDependency(waves, 'a', 'c');
    expect(after.find(w => w.id === 'c')?.dependsOn.map(d => d.waveId)).toEqual(['b']);
  });

  it('test_finds_cycle_as_closed_path_when_plan_has_one', () => {
    expect(findCycle([wave('a', 'c'), wave('b', 'a'), wave('c', 'b')])).toEqual(['a', 'c', 'b', 'a']);
    expect(findCycle([wave('a'), wave('b', 'a'), wave('c', 'a', 'b')])).toBeNull();
  });
});
