"""The evidence pack as one self-contained HTML document (pure).

Inline CSS and an inline SVG only: no script, no image, no stylesheet or font fetched from anywhere,
so the file reads the same offline, years later, and prints to PDF from any browser (print CSS: each
section on a new page, tables repeat their headings). Every value from the run is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from pydantic import JsonValue

from drs_orchestration.domain.evidence.dag_svg import dag_svg
from drs_orchestration.domain.evidence.facts import EvidenceFacts
from drs_orchestration.domain.evidence.text import escape
from drs_orchestration.domain.models.execution import ExecutionMode, RtoMeasurement
from drs_orchestration.domain.models.recovery_plan import Wave
from drs_orchestration.domain.services.execution_reports import ServerReportRow, WaveReportRow

__all__ = ["SECTION_IDS", "render_evidence"]

SECTION_IDS = ("summary", "plan", "operators", "timeline", "rto", "servers", "cleanup")
"""The document's sections, in order (each an element with this id)."""

SCHEDULE_PRINCIPAL = "schedule:"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:24px;color:#16191f;font-size:13px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:2px solid #232f3e;padding-bottom:3px}
h3{font-size:14px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #c6c6cd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f2f3f3}thead{display:table-header-group}tr{page-break-inside:avoid;break-inside:avoid}
pre{white-space:pre-wrap;word-break:break-all;margin:2px 0;font-size:11px;background:#fafafa}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px}dt{font-weight:bold}dd{margin:0}
.verdict{font-size:16px;font-weight:bold;padding:6px 10px;display:inline-block;border-radius:4px}
.met{background:#d7f0dc}.missed{background:#f9d6d5}.unknown{background:#eeeeee}
.muted{color:#5f6b7a}.dag{max-width:100%;height:auto}
@media print{body{margin:0;font-size:11px}section{break-before:page;page-break-before:always}
section#summary{break-before:auto;page-break-before:auto}.dag{max-width:100%}}
@page{size:A4 landscape;margin:12mm}
"""


def _at(value: datetime | None) -> str:
    return "\u2014" if value is None else escape(value.strftime("%Y-%m-%d %H:%M:%S UTC"))


def _text(value: object) -> str:
    return "\u2014" if value is None or value == "" else escape(str(value))


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A table whose cells are already escaped HTML."""
    yield "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headings) + "</tr></thead><tbody>"
    for row in rows:
        yield "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
    yield "</tbody></table>"


def _facts_list(pairs: Sequence[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in pairs) + "</dl>"


def _how_started(started_by: str) -> str:
    if started_by.startswith(SCHEDULE_PRINCIPAL):
        return f"by the schedule {escape(started_by[len(SCHEDULE_PRINCIPAL) :])} (unattended)"
    return f"by the signed-in user {escape(started_by)}, through the authenticated API"


def _summary(facts: EvidenceFacts) -> Iterator[str]:
    execution = facts.report.execution
    yield '<section id="summary">'
    yield f"<h1>Evidence pack: {escape(execution.plan_name)} \u2014 {escape(execution.mode.value)}</h1>"
    yield f'<p class="muted">Run {escape(execution.id)}, produced {_at(facts.produced_at)}.</p>'
    point = execution.point_in_time
    yield _facts_list(
        [
            ("Run", escape(execution.id)),
            ("Mode", escape(execution.mode.value)),
            ("Outcome", escape(execution.status.value) + _reason(execution.status_reason)),
            (
                "Plan",
                f"{escape(execution.plan_name)} ({escape(execution.plan_id)}),"
                f" version {execution.plan_version}",
            ),
            ("Started", f"{_at(execution.started_at)} {_how_started(execution.started_by)}"),
            ("Ended", _at(execution.ended_at)),
            ("Launched from", f"latest snapshots at or before {_at(point)}" if point else "the latest data"),
            ("RTO", _rto_line(execution.rto)),
        ]
    )
    yield "</section>"


def _reason(reason: str | None) -> str:
    return f": {escape(reason)}" if reason else ""


def _actions(wave: Wave) -> str:
    pre = [f"before: {a.type} {a.name}" for a in wave.pre_actions]
    post = [f"after: {a.type} {a.name}" for a in wave.post_actions]
    return "<br>".join(escape(item) for item in [*pre, *post]) or "\u2014"


def _gate(wave: Wave) -> str:
    if wave.health_check is None:
        return "off"
    document = wave.health_check.document_name or "the product's post-launch health check"
    return f"{escape(document)} (timeout {wave.health_check.timeout_seconds} s)"


def _plan(facts: EvidenceFacts) -> Iterator[str]:
    plan = facts.header.plan_snapshot
    statuses = {row.wave_id: row.wave_status for row in facts.report.waves}
    yield '<section id="plan"><h2>1. The plan as run</h2>'
    yield _facts_list(
        [
            ("Plan", f"{escape(plan.name)} ({escape(plan.id)})"),
            ("Version", str(facts.header.plan_version)),
            ("RTO target", f"{plan.rto_target_minutes} min"),
            ("Drill TTL", f"{plan.drill_ttl_hours} h" if plan.drill_ttl_hours else "none"),
            ("Description", _text(plan.description)),
        ]
    )
    yield "<h3>Waves and their dependencies</h3>"
    yield dag_svg(plan.waves, statuses)
    rows = (
        [
            f"{escape(w.name)}<br><span class=muted>{escape(w.id)}</span>",
            "<br>".join(f"{escape(d.wave_id)} ({escape(d.condition.value)})" for d in w.depends_on)
            or "\u2014",
            "<br>".join(escape(g) for g in w.protection_group_ids),
            _actions(w),
            _gate(w),
            "yes" if w.pause_before else "no",
            f"{w.timeout_minutes} min",
        ]
        for w in plan.waves
    )
    headings = (
        "Wave",
        "Depends on",
        "Protection groups",
        "Actions",
        "Health gate",
        "Approval first",
        "Timeout",
    )
    yield from _table(headings, rows)
    yield "</section>"


def _details(details: dict[str, JsonValue]) -> str:
    shown = {k: v for k, v in details.items() if v is not None}
    return "<br>".join(f"{escape(k)}: {escape(json.dumps(v, sort_keys=True))}" for k, v in shown.items())


def _operators(facts: EvidenceFacts) -> Iterator[str]:
    execution = facts.report.execution
    yield '<section id="operators"><h2>2. Who started the run, approvals and operator actions</h2>'
    started = _at(execution.started_at or execution.created_at)
    yield f"<p>Started {started} {_how_started(execution.started_by)}.</p>"
    yield "<h3>Timeline of the run's life, approvals, pauses and operator actions</h3>"
    event_rows = (
        [_at(e.at), _text(e.type.value), _text(e.actor), _text(e.wave_id), _text(e.message)]
        for e in facts.operator_events
    )
    yield from _table(("When", "Event", "Who", "Wave", "What"), event_rows)
    yield "<h3>Audit trail of the run</h3>"
    audit_rows = (
        [_at(r.at), _text(r.actor), _text(r.action), _text(r.outcome.value), _details(r.details)]
        for r in facts.audit
    )
    yield from _table(("When", "Who", "Action", "Outcome", "Details"), audit_rows)
    yield "</section>"


def _minutes(value: float | int | None) -> str:
    return "\u2014" if value is None else f"{value:g}"


def _wave_row(row: WaveReportRow) -> list[str]:
    return [
        f"{escape(row.wave_name)}<br><span class=muted>{escape(row.wave_id)}</span>",
        escape(row.wave_status),
        _minutes(row.planned_start_minutes),
        _minutes(row.planned_end_minutes),
        _minutes(row.actual_start_minutes),
        _minutes(row.actual_end_minutes),
        _minutes(row.deviation_minutes),
        _at(row.started_at),
        _at(row.ended_at),
    ]


def _timeline(facts: EvidenceFacts) -> Iterator[str]:
    yield '<section id="timeline"><h2>3. Wave timeline: planned against actual</h2>'
    yield (
        '<p class="muted">Minutes from the run\'s start. A wave is planned to start when its last'
        " dependency is planned to end and to take its timeout; deviation is the actual end minus the"
        " planned end.</p>"
    )
    headings = (
        "Wave",
        "Status",
        "Planned start",
        "Planned end",
        "Actual start",
        "Actual end",
        "Deviation",
        "Started at",
        "Ended at",
    )
    yield from _table(headings, (_wave_row(row) for row in facts.report.waves))
    yield "</section>"


def _rto_line(rto: RtoMeasurement) -> str:
    measured = "not measured" if rto.measured_seconds is None else f"{rto.measured_seconds / 60:.1f} min"
    return f"{measured} against a target of {rto.target_minutes} min"


def _verdict(rto: RtoMeasurement) -> tuple[str, str]:
    if rto.met is True:
        return "met", "RTO MET"
    if rto.met is False:
        return "missed", "RTO MISSED"
    return "unknown", "RTO NOT MEASURED (not every critical server recovered)"


def _rto(facts: EvidenceFacts) -> Iterator[str]:
    rto = facts.report.execution.rto
    css, verdict = _verdict(rto)
    yield '<section id="rto"><h2>4. RTO against the target</h2>'
    yield f'<p class="verdict {css}">{escape(verdict)}</p>'
    yield _facts_list(
        [
            ("Target", f"{rto.target_minutes} min"),
            ("Measured", _rto_line(rto)),
            ("Run started", _at(rto.started_at)),
            ("Last critical server recovered", _at(rto.recovered_at)),
            ("Critical servers recovered", f"{rto.recovered_critical_servers} of {rto.critical_servers}"),
        ]
    )
    yield (
        '<p class="muted">Measured from the run\'s start to the last CRITICAL server recovered: healthy when'
        " its wave has a health gate, launched otherwise. OPTIONAL servers do not count.</p></section>"
    )


def _evidence(evidence: dict[str, JsonValue]) -> str:
    if not evidence:
        return "\u2014"
    return f"<pre>{escape(json.dumps(evidence, indent=1, sort_keys=True))}</pre>"


def _launch(row: ServerReportRow) -> str:
    phases = ", ".join(f"{escape(k)} {v:g} s" for k, v in sorted(row.phase_seconds.items()))
    parts = [_text(row.launch_status), f"at {_at(row.launched_at)}"]
    if phases:
        parts.append(f"<span class=muted>{phases}</span>")
    if row.error:
        parts.append(f"error: {escape(row.error)}")
    return "<br>".join(parts)


def _server_row(row: ServerReportRow) -> list[str]:
    snapshot = _text(row.recovery_snapshot_id) + (
        f"<br>taken {_at(row.snapshot_taken_at)}" if row.snapshot_taken_at else "<br>latest data"
    )
    return [
        escape(row.source_server_id),
        escape(row.impact),
        _launch(row),
        _text(row.job_id),
        _text(row.recovery_instance_id),
        snapshot,
        f"{_text(row.health)}<br>{_at(row.healthy_at)}",
        _evidence(row.health_evidence),
    ]


_SERVER_HEADINGS = (
    "Source server",
    "Impact",
    "Launch",
    "DRS job",
    "Recovery instance",
    "Snapshot",
    "Health",
    "Health-gate evidence (checks and output)",
)


def _servers(facts: EvidenceFacts) -> Iterator[str]:
    by_wave: dict[str, list[ServerReportRow]] = {}
    for row in facts.report.servers:
        by_wave.setdefault(row.wave_id, []).append(row)
    yield f'<section id="servers"><h2>5. Servers ({len(facts.report.servers)})</h2>'
    for wave in facts.report.waves:
        members = by_wave.get(wave.wave_id, [])
        yield f"<h3>Wave {escape(wave.wave_name)} ({escape(wave.wave_id)}): {len(members)} servers</h3>"
        yield from _table(_SERVER_HEADINGS, (_server_row(row) for row in members))
    yield "</section>"


def _terminations(facts: EvidenceFacts) -> list[list[str]]:
    return [
        [_at(e.at), _text(e.actor), _text(e.message), _details(e.details)]
        for e in facts.operator_events
        if e.type.value == "INSTANCES_TERMINATED"
    ]


def _cleanup_status(facts: EvidenceFacts) -> str:
    execution, header = facts.report.execution, facts.header
    launched = sum(1 for row in facts.report.servers if row.recovery_instance_id)
    if execution.mode is not ExecutionMode.DRILL:
        return (
            f"A {escape(execution.mode.value)} run: the product never terminates its instances ({launched})."
        )
    if execution.instances_terminated_at:
        ended = _at(execution.instances_terminated_at)
        return f"The drill's {launched} recovery instances were terminated at {ended}."
    if not launched:
        return "The drill launched no recovery instances: nothing to clean up."
    due = (
        f", due for automatic termination at {_at(header.drill_expires_at)}"
        if header.drill_expires_at
        else ""
    )
    return f"The drill's {launched} recovery instances were still running when this pack was produced{due}."


def _cleanup(facts: EvidenceFacts) -> Iterator[str]:
    yield '<section id="cleanup"><h2>6. Drill clean-up</h2>'
    yield f"<p>{_cleanup_status(facts)}</p>"
    yield from _table(("When", "Who", "What", "Details"), _terminations(facts))
    yield "</section>"


def _footer() -> str:
    return (
        '<footer><p class="muted">The SHA-256 digest of this file is recorded in the product\'s audit trail'
        " (action ProduceEvidencePack on this run) when the pack is first produced: compute the digest of"
        " the file (for example <code>sha256sum</code>) and compare.</p></footer>"
    )


def render_evidence(facts: EvidenceFacts) -> str:
    """The pack: summary, plan and DAG, operators, timeline, RTO, servers and clean-up, in that order."""
    title = f"Evidence pack {facts.report.execution.id} \u2014 {facts.report.execution.plan_name}"
    parts: list[str] = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
    ]
    for section in (_summary, _plan, _operators, _timeline, _rto, _servers, _cleanup):
        parts.extend(section(facts))
    parts.append(_footer())
    parts.append("</body></html>\n")
    return "".join(parts)
