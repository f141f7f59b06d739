"""The plan's waves drawn as an inline SVG graph, layered by dependency (pure).

A wave's layer is one more than the deepest of its dependencies, so every arrow points right; the
waves of a layer are stacked in plan order. Each box names the wave and the status it ended in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from drs_orchestration.domain.evidence.text import escape
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.scheduling import wave_order

__all__ = ["dag_layers", "dag_svg"]

BOX_WIDTH = 190
BOX_HEIGHT = 52
COLUMN_GAP = 70
ROW_GAP = 22
MARGIN = 12
NAME_CHARACTERS = 24
STATUS_COLOURS = {
    "COMPLETED": "#d7f0dc",
    "FAILED": "#f9d6d5",
    "SKIPPED": "#eeeeee",
}
OTHER_COLOUR = "#fdf1cf"


def dag_layers(waves: Sequence[Wave]) -> list[list[str]]:
    """The wave ids by layer: roots first, each wave one layer after its deepest dependency."""
    by_id = {wave.id: wave for wave in waves}
    layer: dict[str, int] = {}
    for wave_id in wave_order(waves):
        depths = [layer[d.wave_id] for d in by_id[wave_id].depends_on if d.wave_id in layer]
        layer[wave_id] = max(depths, default=-1) + 1
    layers: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for wave in waves:
        layers[layer[wave.id]].append(wave.id)
    return layers


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARACTERS else text[: NAME_CHARACTERS - 1] + "\u2026"


def _box(wave: Wave, x: int, y: int, status: str) -> str:
    fill = STATUS_COLOURS.get(status, OTHER_COLOUR)
    return (
        f'<g class="wave"><title>{escape(wave.name)} ({escape(wave.id)})</title>'
        f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6" fill="{fill}"'
        ' stroke="#555"/>'
        f'<text x="{x + 10}" y="{y + 21}" font-weight="bold">{escape(_short(wave.name))}</text>'
        f'<text x="{x + 10}" y="{y + 40}" font-size="11">'
        f"{escape(_short(wave.id))} \u00b7 {escape(status)}</text>"
        "</g>"
    )


def _edge(start: tuple[int, int], end: tuple[int, int], condition: str) -> str:
    (x1, y1), (x2, y2) = start, end
    mid_x, mid_y = (x1 + x2) // 2, (y1 + y2) // 2
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2 - 4}" y2="{y2}" stroke="#555" marker-end="url(#arrow)"/>'
        f'<text x="{mid_x}" y="{mid_y - 4}" font-size="10" text-anchor="middle">{escape(condition)}</text>'
    )


def dag_svg(waves: Sequence[Wave], statuses: Mapping[str, str]) -> str:
    """An ``<svg>`` element (no external reference) of ``waves`` and their dependencies, each box
    coloured by the status the wave ended in (``statuses``, by wave id)."""
    layers = dag_layers(waves)
    by_id = {wave.id: wave for wave in waves}
    position: dict[str, tuple[int, int]] = {}
    for column, members in enumerate(layers):
        for row, wave_id in enumerate(members):
            x = MARGIN + column * (BOX_WIDTH + COLUMN_GAP)
            position[wave_id] = (x, MARGIN + row * (BOX_HEIGHT + ROW_GAP))
    width = MARGIN * 2 + max(len(layers), 1) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP
    height = MARGIN * 2 + max((len(m) for m in layers), default=1) * (BOX_HEIGHT + ROW_GAP) - ROW_GAP
    edges = [
        _edge(
            (position[d.wave_id][0] + BOX_WIDTH, position[d.wave_id][1] + BOX_HEIGHT // 2),
            (position[wave.id][0], position[wave.id][1] + BOX_HEIGHT // 2),
            d.condition.value,
        )
        for wave in waves
        for d in wave.depends_on
        if d.wave_id in position
    ]
    boxes = [_box(by_id[w], *position[w], statuses.get(w, "NOT RUN")) for w in position]
    return (
        f'<svg class="dag" role="img" aria-label="Wave dependency graph" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8"'
        ' orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>'
        + "".join(edges)
        + "".join(boxes)
        + "</svg>"
    )
