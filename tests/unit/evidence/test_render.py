"""The evidence pack's HTML: self-contained (no script, nothing fetched), every section there, every
value from the run escaped, the DAG layered by dependency; fast enough at 4,000 servers."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

from drs_orchestration.domain.evidence.dag_svg import dag_layers
from drs_orchestration.domain.evidence.facts import EvidenceFacts
from drs_orchestration.domain.evidence.render import SECTION_IDS, render_evidence
from drs_orchestration.domain.services.evidence_packs import evidence_facts
from drs_orchestration.domain.services.execution_reports import full_report
from tests.unit.domain.builders import plan, wave
from tests.unit.evidence.runs import EXECUTION, REQUEST, finished_drill, services


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _pack(**run: object) -> str:
    held = services()
    finished_drill(held, **run)  # type: ignore[arg-type]
    run = held.executions.get_header(EXECUTION)
    return render_evidence(evidence_facts(held, run, full_report(held, EXECUTION, REQUEST), REQUEST.now))


def test_pack_has_no_script_and_references_nothing_outside_itself_when_outputs_are_hostile() -> None:
    html = _pack()

    parsed = Elements()
    parsed.feed(html)
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags
    assert not tags & {"img", "iframe", "link", "object", "embed", "a"}
    for _, attributes in parsed.tags:
        for name, value in attributes.items():
            assert not name.startswith("on")
            if name in {"src", "href"}:
                raise AssertionError(f"{name}={value}")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html
    assert "url(http" not in html
    assert "&lt;script&gt;" in html


def test_pack_holds_each_section_in_order_and_prints_a_section_a_page() -> None:
    html = _pack()

    positions = [html.index(f'<section id="{section}"') for section in SECTION_IDS]
    assert positions == sorted(positions)
    assert "@media print" in html
    assert "break-before:page" in html
    assert "<svg" in html
    assert "Wave dependency graph" in html
    # who started it and how, and every operator action with who and when
    assert "by the signed-in user olivia" in html
    assert html.count("PAUSE_REQUESTED") == 1
    assert "oscar" in html
    assert "APPROVAL_GRANTED" in html
    assert "JOB_STARTED" not in html
    assert "pause_requested &lt;b&gt;by&lt;/b&gt; olivia" in html
    # each server's DRS job and health evidence, the RTO verdict and the clean-up
    assert "drsjob-00000000000000003" in html
    assert "RTO MET" in html
    assert "still running when this pack was produced" in html
    assert "due for automatic termination" in html


def test_scheduled_start_names_the_schedule() -> None:
    held = services()
    finished_drill(held)
    stored = held.executions.get_header(EXECUTION)
    held.executions.update_header(stored.model_copy(update={"started_by": "schedule:sch-1"}), stored.version)
    facts = EvidenceFacts(
        header=held.executions.get_header(EXECUTION),
        report=full_report(held, EXECUTION, REQUEST),
        operator_events=[],
        audit=[],
        produced_at=REQUEST.now,
    )

    assert "by the schedule sch-1 (unattended)" in render_evidence(facts)


def test_waves_are_layered_one_after_their_deepest_dependency() -> None:
    diamond = plan(wave("net"), wave("db", "net"), wave("app", "net"), wave("web", "db", "app"), wave("dns"))

    assert dag_layers(diamond.waves) == [["net", "dns"], ["db", "app"], ["web"]]


def test_pack_of_4000_servers_with_long_outputs_renders_in_a_few_seconds() -> None:
    output = 'Service "nginx" active, port 443 open\n' + "disk ok; " * 220

    started = time.monotonic()
    html = _pack(servers_per_wave=1000, output=output)
    seconds = time.monotonic() - started

    assert html.count("<tr><td>s-") == 4000
    assert seconds < 10, seconds
