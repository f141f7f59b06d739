import type { Dependency, DependencyCondition, Wave } from '../api/types';
import { strings } from '../strings';

// The wave dependency graph: an edge prerequisite -> dependent means `dependent.dependsOn` names `prerequisite`.

type WaveLinks = Pick<Wave, 'id' | 'dependsOn'>;

/** The waves `waveId` depends on, directly or transitively, as a path search from it. */
function pathThroughDependencies(waves: readonly WaveLinks[], from: string, to: string): string[] | null {
  const byId = new Map(waves.map(w => [w.id, w]));
  const visited = new Set<string>();
  const walk = (id: string, path: string[]): string[] | null => {
    if (id === to) return path;
    if (visited.has(id)) return null;
    visited.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      const found = walk(dep.waveId, [...path, dep.waveId]);
      if (found) return found;
    }
    return null;
  };
  return walk(from, [from]);
}

export type EdgeResult<W> = { ok: true; waves: W[] } | { ok: false; reason: string };

/**
 * Makes `dependent` depend on `prerequisite`. Refused, naming the cycle, when `prerequisite` already depends
 * (directly or not) on `dependent`; refused when it is a self-loop or already there.
 */
export function addDependency<W extends WaveLinks>(
  waves: readonly W[],
  prerequisite: string,
  dependent: string,
  condition: DependencyCondition = 'HEALTHY',
): EdgeResult<W> {
  if (prerequisite === dependent) return { ok: false, reason: strings.plans.selfRefused };
  const target = waves.find(w => w.id === dependent);
  if (!target || !waves.some(w => w.id === prerequisite)) {
    return { ok: false, reason: strings.validation.unknownWaves(target ? prerequisite : dependent) };
  }
  if (target.dependsOn.some(d => d.waveId === prerequisite)) {
    return { ok: false, reason: strings.plans.duplicateRefused };
  }
  const back = pathThroughDependencies(waves, prerequisite, dependent);
  if (back) {
    return { ok: false, reason: strings.plans.cycleRefused(formatCycle([dependent, ...back])) };
  }
  const dependency: Dependency = { waveId: prerequisite, condition };
  return {
    ok: true,
    waves: waves.map(w => (w.id === dependent ? { ...w, dependsOn: [...w.dependsOn, dependency] } : w)),
  };
}

export function removeDependency<W extends WaveLinks>(
  waves: readonly W[],
  prerequisite: string,
  dependent: string,
): W[] {
  return waves.map(w =>
    w.id === dependent ? { ...w, dependsOn: w.dependsOn.filter(d => d.waveId !== prerequisite) } : w,
  );
}

/** `a -> b -> a`: each wave followed by one it depends on, back to the first. */
export function formatCycle(path: readonly string[]): string {
  return path.join(' -> ');
}

/** The first dependency cycle among the waves (as a closed path), or null when they form a DAG. */
export function findCycle(waves: readonly WaveLinks[]): string[] | null {
  const byId = new Map(waves.map(w => [w.id, w]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    const seen = state.get(id);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep.waveId)) continue;
      const cycle = visit(dep.waveId);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const wave of waves) {
    const cycle = visit(wave.id);
    if (cycle) return cycle;
  }
  return null;
}
