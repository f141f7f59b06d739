"""The report in pages bounded in rows and bytes, and its CSV inline or behind a link, in memory."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from drs_orchestration.adapters.memory.report_store import InMemoryReportStore
from drs_orchestration.domain.errors import ValidationFailed
from drs_orchestration.domain.models.drs import LaunchStatus
from drs_orchestration.domain.models.execution import HealthStatus, ServerState, WaveState
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.execution_reports import (
    REPORT_MIN_ROW_BYTES,
    REPORT_PAGE_BYTES,
    ExecutionReport,
    execution_report,
)
from drs_orchestration.domain.services.paging import encode_cursor
from drs_orchestration.domain.services.report_exports import (
    EXPORT_LINK_SECONDS,
    ReportExport,
    ReportStorageUnavailable,
    export_csv,
    export_csv_link,
)
from tests.unit.domain.builders import T0, header, plan, server_id, wave
from tests.unit.services.in_memory import in_memory_services

REQUEST = Request(actor="viewer", now=T0)
EXECUTION = "ex-big"


class NoDrs:
    def for_target(self, target: object) -> Any:
        raise AssertionError("the report never reaches DRS")


def _services(reports: InMemoryReportStore | None = None) -> Services:
    return in_memory_services(
        NoDrs(),
        reports=reports,
    )


def _run(services: Services, servers_per_wave: int, output_chars: int, error: str | None = None) -> None:
    """A drill of db then app (plan order is not alphabetical), each server healthy with long outputs."""
    recovery_plan = plan(wave("db"), wave("app", "db"))
    waves = [
        WaveState(execution_id=EXECUTION, wave_id=w.id, name=w.name, position=i)
        for i, w in enumerate(recovery_plan.waves)
    ]
    evidence = {"output": '"quoted", a\nnew line ' + "x" * output_chars, "status": "Success"}
    servers = [
        ServerState(
            execution_id=EXECUTION,
            wave_id=w.wave_id,
            source_server_id=server_id(position * 10_000 + n),
            launch_status=LaunchStatus.LAUNCHED,
            health=HealthStatus.HEALTHY,
            launched_at=T0,
            health_evidence=evidence,
            error=error,
        )
        for position, w in enumerate(waves)
        for n in range(servers_per_wave)
    ]
    services.executions.create(header(EXECUTION, recovery_plan, started_at=T0), waves, servers)


def _pages(services: Services, **kwargs: Any) -> list[ExecutionReport]:
    pages = [execution_report(services, EXECUTION, REQUEST, **kwargs)]
    while pages[-1].next_token is not None:
        pages.append(
            execution_report(services, EXECUTION, REQUEST, next_token=pages[-1].next_token, **kwargs)
        )
    return pages


def test_pages_hold_every_server_once_in_plan_order_when_followed_to_the_end() -> None:
    # Given a run of two waves, 7 servers each
    services = _services()
    _run(services, servers_per_wave=7, output_chars=10)

    # When the report is read 4 rows at a time
    pages = _pages(services, limit=4)

    # Then every page but the last is full, the last has no token, and the rows are db's then app's
    assert [len(page.servers) for page in pages] == [4, 4, 4, 2]
    assert pages[-1].next_token is None
    assert "nextToken" not in pages[-1].to_json()
    rows = [row for page in pages for row in page.servers]
    assert [row.wave_id for row in rows] == ["db"] * 7 + ["app"] * 7
    assert len({row.source_server_id for row in rows}) == 14
    # and each page carries the whole run's summary
    assert all(len(page.waves) == 2 and page.execution.id == EXECUTION for page in pages)


def test_a_page_stops_at_the_byte_budget_when_command_outputs_are_long() -> None:
    # Given servers whose evidence holds 300,000 characters each (more than any real output)
    services = _services()
    _run(services, servers_per_wave=10, output_chars=300_000)

    # When the report is read with the largest limit
    pages = _pages(services, limit=1000)

    # Then no page passes the budget, and all 20 rows come through
    for page in pages:
        assert len(page.model_dump_json(by_alias=True).encode()) <= REPORT_PAGE_BYTES
    assert len(pages) > 1
    assert sum(len(page.servers) for page in pages) == 20


def test_the_summary_counts_against_the_page_when_the_run_is_large() -> None:
    # Given 1,500 servers a wave, each with a 500-character error and a 2,000-character output
    services = _services()
    _run(services, servers_per_wave=1500, output_chars=2000, error="e" * 500)

    # When the report is read with the largest limit
    pages = _pages(services, limit=1000)

    # Then each page, summary and rows, stays within the page budget and the rows fill what is left
    sizes = [len(page.model_dump_json(by_alias=True).encode()) for page in pages]
    assert max(sizes) <= REPORT_PAGE_BYTES
    summary = len(pages[0].model_copy(update={"servers": []}).model_dump_json(by_alias=True).encode())
    assert summary > REPORT_PAGE_BYTES // 3
    assert sizes[0] > REPORT_PAGE_BYTES - 10_000
    assert sum(len(page.servers) for page in pages) == 3000


def test_a_page_holds_the_minimum_of_rows_when_the_summary_alone_fills_the_budget() -> None:
    # Given a summary larger than a page (an error of 2,000 characters on each of 2,000 servers)
    services = _services()
    _run(services, servers_per_wave=1000, output_chars=2000, error="e" * 2000)

    page = execution_report(services, EXECUTION, REQUEST, limit=1000)

    # Then the page still brings rows, as many as the minimum allows
    rows = sum(len(row.model_dump_json(by_alias=True).encode()) + 1 for row in page.servers)
    assert REPORT_MIN_ROW_BYTES - 10_000 < rows <= REPORT_MIN_ROW_BYTES


@pytest.mark.parametrize("limit", [0, 1001, -5])
def test_limit_out_of_range_is_a_validation_error_naming_limit(limit: int) -> None:
    services = _services()
    _run(services, servers_per_wave=1, output_chars=1)
    with pytest.raises(ValidationFailed) as raised:
        execution_report(services, EXECUTION, REQUEST, limit=limit)
    assert [field.name for field in raised.value.fields] == ["limit"]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        encode_cursor({"waveId": {"S": "gone"}, "sourceServerId": {"S": "s-1"}}),
        encode_cursor({"pk": {"S": "x"}}),
    ],
)
def test_a_token_this_report_did_not_issue_is_a_validation_error_naming_next_token(token: str) -> None:
    services = _services()
    _run(services, servers_per_wave=1, output_chars=1)
    with pytest.raises(ValidationFailed) as raised:
        execution_report(services, EXECUTION, REQUEST, next_token=token)
    assert [field.name for field in raised.value.fields] == ["nextToken"]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_is_answered_inline_when_small() -> None:
    services = _services(InMemoryReportStore())
    _run(services, servers_per_wave=2, output_chars=10)

    exported = export_csv(services, EXECUTION, REQUEST)

    assert isinstance(exported, str)
    assert [row["waveId"] for row in _csv_rows(exported)] == ["db", "db", "app", "app"]
    assert services.reports is not None
    assert not services.reports.files


def test_csv_goes_to_the_store_behind_a_short_link_when_large() -> None:
    # Given a run whose CSV passes the inline limit
    store = InMemoryReportStore()
    services = _services(store)
    _run(services, servers_per_wave=30, output_chars=1000)

    # When it is exported with a 10 kB inline limit
    exported = export_csv(services, EXECUTION, REQUEST, inline_up_to=10_000)

    # Then it is a link, valid for EXPORT_LINK_SECONDS, to a file holding every server
    assert isinstance(exported, ReportExport)
    assert exported.rows == 60
    assert (exported.expires_at - T0).total_seconds() == EXPORT_LINK_SECONDS
    body = store.read(exported.url)
    assert exported.size_bytes == len(body)
    rows = _csv_rows(body.decode())
    assert len(rows) == 60
    assert json.loads(rows[0]["healthEvidence"])["status"] == "Success"
    stored = next(iter(store.files.values()))
    assert stored.file_name == exported.file_name == f"shop-dr-{EXECUTION}.csv"
    assert stored.content_type.startswith("text/csv")


def test_csv_link_is_given_however_small_when_asked_for() -> None:
    store = InMemoryReportStore()
    services = _services(store)
    _run(services, servers_per_wave=1, output_chars=1)

    exported = export_csv_link(services, EXECUTION, REQUEST)

    assert len(_csv_rows(store.read(exported.url).decode())) == 2


def test_large_csv_without_a_store_is_unavailable() -> None:
    services = _services(None)
    _run(services, servers_per_wave=5, output_chars=1000)
    with pytest.raises(ReportStorageUnavailable):
        export_csv(services, EXECUTION, REQUEST, inline_up_to=100)
