import { formatMinutes } from '../common/format';
import { GROUP_COLOUR_STATUS } from '../graph/server-groups';
import { waveColour } from '../graph/wave-colours';
import { strings } from '../strings';
import { ticks, type GanttModel, type GanttRow } from './gantt-model';

const LABEL_WIDTH = 200;
const CHART_WIDTH = 760;
const ROW_HEIGHT = 22;
const AXIS_HEIGHT = 24;

function describe(row: GanttRow): string {
  const parts = [row.label];
  if (row.status && row.kind === 'wave') parts.push(row.status);
  if (row.planned)
    parts.push(`${strings.report.planned} ${formatMinutes(row.planned.start)}–${formatMinutes(row.planned.end)}`);
  parts.push(
    row.actual
      ? `${strings.report.actual} ${formatMinutes(row.actual.start)}–${formatMinutes(row.actual.end)}`
      : strings.common.none,
  );
  return parts.join(', ');
}

/** A timeline (Gantt chart) of waves and their servers by group, in minutes from the start of the run. */
export function Gantt({ model, ariaLabel }: { model: GanttModel; ariaLabel: string }) {
  const scale = CHART_WIDTH / model.span;
  const height = AXIS_HEIGHT + model.rows.length * ROW_HEIGHT;
  const width = LABEL_WIDTH + CHART_WIDTH + 16;
  return (
    <svg
      className="gantt"
      role="img"
      aria-label={ariaLabel}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      style={{ maxWidth: width, fontFamily: 'inherit', fontSize: 11 }}
    >
      {ticks(model.span).map(t => (
        <g key={t}>
          <line
            x1={LABEL_WIDTH + t * scale}
            x2={LABEL_WIDTH + t * scale}
            y1={AXIS_HEIGHT - 4}
            y2={height}
            stroke="#e9ebed"
          />
          <text x={LABEL_WIDTH + t * scale} y={AXIS_HEIGHT - 8} textAnchor="middle" fill="#5f6b7a">
            {formatMinutes(t)}
          </text>
        </g>
      ))}
      {model.rows.map((row, i) => {
        const y = AXIS_HEIGHT + i * ROW_HEIGHT;
        const colour = waveColour(row.group ? GROUP_COLOUR_STATUS[row.group] : row.status);
        return (
          <g key={row.id} data-row={row.id}>
            <title>{describe(row)}</title>
            <text
              x={row.kind === 'wave' ? 4 : 16}
              y={y + ROW_HEIGHT / 2 + 4}
              fontWeight={row.kind === 'wave' ? 700 : 400}
              fill="#0f141a"
            >
              {row.label.length > 28 ? `${row.label.slice(0, 27)}…` : row.label}
            </text>
            {row.planned ? (
              <rect
                x={LABEL_WIDTH + row.planned.start * scale}
                y={y + 3}
                width={Math.max(2, (row.planned.end - row.planned.start) * scale)}
                height={ROW_HEIGHT - 6}
                fill="none"
                stroke="#8c8c94"
                strokeDasharray="4 2"
                data-kind="planned"
              />
            ) : null}
            {row.actual ? (
              <rect
                x={LABEL_WIDTH + row.actual.start * scale}
                y={y + (row.kind === 'wave' ? 5 : 7)}
                width={Math.max(2, (row.actual.end - row.actual.start) * scale)}
                height={row.kind === 'wave' ? ROW_HEIGHT - 10 : ROW_HEIGHT - 14}
                fill={colour.border}
                rx={2}
                data-kind="actual"
              />
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
