import dagre from '@dagrejs/dagre';
import type { Wave } from '../api/types';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;

export interface Positioned {
  id: string;
  x: number;
  y: number;
}

/** Left-to-right layered layout of the wave DAG (prerequisites to the left of their dependents). */
export function layoutWaves(waves: readonly Pick<Wave, 'id' | 'dependsOn'>[]): Map<string, Positioned> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 64, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const wave of waves) graph.setNode(wave.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const wave of waves) {
    for (const dep of wave.dependsOn) {
      if (graph.hasNode(dep.waveId)) graph.setEdge(dep.waveId, wave.id);
    }
  }
  dagre.layout(graph);
  const positions = new Map<string, Positioned>();
  for (const wave of waves) {
    const node = graph.node(wave.id);
    positions.set(wave.id, { id: wave.id, x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 });
  }
  return positions;
}
