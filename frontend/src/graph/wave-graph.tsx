import '@xyflow/react/dist/style.css';
import { Background, Controls, MarkerType, ReactFlow, type Connection, type Edge, type Node } from '@xyflow/react';
import { useMemo } from 'react';
import type { DependencyCondition, Wave, WaveStatus } from '../api/types';
import { strings } from '../strings';
import { layoutWaves } from './layout';
import { countsText, type ServerCounts } from './server-groups';
import { waveColour } from './wave-colours';

export interface WaveGraphProps {
  waves: readonly Pick<Wave, 'id' | 'name' | 'dependsOn'>[];
  /** Live view: colours each wave by its state. */
  statusByWave?: ReadonlyMap<string, WaveStatus>;
  /** Live view: each wave's servers, counted by where they stand (never one node per server). */
  countsByWave?: ReadonlyMap<string, ServerCounts>;
  /** Editing: a new connection prerequisite -> dependent. */
  onConnect?: (prerequisite: string, dependent: string) => void;
  onRemoveDependency?: (prerequisite: string, dependent: string) => void;
  onSelectWave?: (waveId: string) => void;
  height?: number;
  ariaLabel: string;
}

function conditionLabel(condition: DependencyCondition): string {
  return strings.plans.conditionsShort[condition];
}

export function WaveGraph({
  waves,
  statusByWave,
  countsByWave,
  onConnect,
  onRemoveDependency,
  onSelectWave,
  height = 320,
  ariaLabel,
}: WaveGraphProps) {
  const editable = onConnect !== undefined;
  const { nodes, edges } = useMemo(() => {
    const positions = layoutWaves(waves);
    const nodes: Node[] = waves.map(wave => {
      const status = statusByWave?.get(wave.id);
      const colour = waveColour(status);
      const title = status ? `${wave.name} · ${status}` : wave.name;
      const counts = countsByWave?.get(wave.id);
      const summary = counts ? countsText(counts) : '';
      return {
        id: wave.id,
        position: positions.get(wave.id) ?? { x: 0, y: 0 },
        data: {
          label: summary ? (
            <>
              <div>{title}</div>
              <div style={{ fontSize: 10 }} data-testid="wave-counts">
                {summary}
              </div>
            </>
          ) : (
            title
          ),
        },
        ariaLabel: [status ? `${wave.name}: ${status}` : wave.name, summary].filter(Boolean).join(', '),
        style: { background: colour.background, borderColor: colour.border, color: colour.text, width: 200 },
        sourcePosition: 'right' as Node['sourcePosition'],
        targetPosition: 'left' as Node['targetPosition'],
        connectable: editable,
      };
    });
    const ids = new Set(waves.map(w => w.id));
    const edges: Edge[] = waves.flatMap(wave =>
      wave.dependsOn
        .filter(dep => ids.has(dep.waveId))
        .map(dep => ({
          id: `${dep.waveId}->${wave.id}`,
          source: dep.waveId,
          target: wave.id,
          label: conditionLabel(dep.condition),
          markerEnd: { type: MarkerType.ArrowClosed },
          deletable: editable,
        })),
    );
    return { nodes, edges };
  }, [waves, statusByWave, countsByWave, editable]);

  return (
    <div style={{ height, width: '100%' }} role="figure" aria-label={ariaLabel}>
      <ReactFlow
        key={waves.map(w => w.id).join(' ')}
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ padding: 0.15 }}
        nodesDraggable={false}
        nodesConnectable={editable}
        edgesFocusable={editable}
        deleteKeyCode={editable ? ['Backspace', 'Delete'] : null}
        onConnect={(connection: Connection) => onConnect?.(connection.source, connection.target)}
        onEdgesDelete={deleted => deleted.forEach(edge => onRemoveDependency?.(edge.source, edge.target))}
        onNodeClick={(_, node) => onSelectWave?.(node.id)}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
