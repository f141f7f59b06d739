"""``follow``: a run's progress until it ends.

On a terminal it is a live view (rich ``Live``): the run, its elapsed time against the RTO target, each
wave with a progress bar of its servers, the servers, and the waves waiting for approval. When the
output is not a terminal it prints a plain line whenever the run changes; with ``--output json`` it
prints nothing while it waits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from drs_orchestration.cli.commands import TERMINAL, progress_line, stamp
from drs_orchestration.cli.registry import Context

__all__ = ["MAX_SERVER_ROWS", "Approvals", "awaiting_approval", "follow_run", "plain_line", "view"]

MAX_SERVER_ROWS = 20
STYLE = {
    "SUCCEEDED": "green",
    "COMPLETED": "green",
    "LAUNCHED": "green",
    "HEALTHY": "green",
    "FAILED": "red",
    "UNHEALTHY": "red",
    "PARTIAL": "yellow",
    "CANCELLED": "yellow",
    "SKIPPED": "yellow",
    "WAITING_APPROVAL": "magenta",
    "PAUSED": "magenta",
}


def _polls(context: Context, execution_id: str, interval: float, timeout: float | None) -> Iterator[Any]:
    """The run at each poll, until it ends; ``TimeoutError`` when ``timeout`` seconds pass first."""
    deadline = None if timeout is None else context.clock() + timeout
    while True:
        execution = context.api.get(f"/executions/{execution_id}")
        yield execution
        if execution["status"] in TERMINAL:
            return
        if deadline is not None and context.clock() >= deadline:
            raise TimeoutError(f"{execution_id} is still {execution['status']} after {timeout} s")
        context.sleep(interval)


class Approvals:
    """The waves waiting for an approval, from the run's events: read while the run waits, each time
    only the events after the newest one held (the ``after`` cursor), merged by ``eventId``."""

    def __init__(self, context: Context, execution_id: str) -> None:
        self.context = context
        self.path = f"/executions/{execution_id}/events"
        self.events: dict[str, dict[str, Any]] = {}

    def waiting(self, execution: dict[str, Any]) -> list[str]:
        if execution["status"] != "WAITING_APPROVAL":
            return []
        cursor = {"after": max(self.events)} if self.events else {}
        for event in self.context.api.pages(self.path, limit="100", **cursor):
            self.events[event["eventId"]] = event
        return awaiting_approval(self.events[key] for key in sorted(self.events))


def awaiting_approval(events: Iterable[dict[str, Any]]) -> list[str]:
    """The waves whose latest approval event (in time order) is a request."""
    waiting: dict[str, None] = {}
    for event in events:
        wave = event.get("waveId")
        if wave and event["type"] == "APPROVAL_REQUESTED":
            waiting[wave] = None
        elif wave and event["type"] in ("APPROVAL_GRANTED", "APPROVAL_REJECTED"):
            waiting.pop(wave, None)
    return list(waiting)


def follow_run(
    context: Context, execution_id: str, *, interval: float = 2.0, timeout: float | None = None
) -> dict[str, Any]:
    """Follow the run until it ends; returns the final execution."""
    polls = _polls(context, execution_id, interval, timeout)
    if context.out.json:
        return _last(polls)
    approvals = Approvals(context, execution_id)
    if context.out.console.is_terminal:
        return _live(context, polls, approvals)
    return _plain(context, polls, approvals)


def _last(polls: Iterator[dict[str, Any]]) -> dict[str, Any]:
    final: dict[str, Any] = {}
    for execution in polls:
        final = execution
    return final


def plain_line(execution: dict[str, Any], awaiting: list[str]) -> str:
    """The run's status and each wave's, with server counts, and the waves waiting for approval."""
    line = progress_line(execution)
    return f"{line} | awaiting approval: {', '.join(awaiting)}" if awaiting else line


def _plain(context: Context, polls: Iterator[dict[str, Any]], approvals: Approvals) -> dict[str, Any]:
    last, execution = "", {}
    for execution in polls:
        line = plain_line(execution, approvals.waiting(execution))
        if line != last:
            context.out.line(f"{stamp(context.api)} {line}")
            last = line
    return execution


def _live(context: Context, polls: Iterator[dict[str, Any]], approvals: Approvals) -> dict[str, Any]:
    execution: dict[str, Any] = {}
    with Live(Text("connecting..."), console=context.out.console, auto_refresh=False) as screen:
        for execution in polls:
            screen.update(view(execution, approvals.waiting(execution)), refresh=True)
    return execution


def _styled(value: str | None) -> Text:
    return Text(value or "-", style=STYLE.get(value or "", ""))


def _rto(execution: dict[str, Any]) -> RenderableType:
    rto = execution.get("rto") or {}
    target = rto.get("targetMinutes")
    elapsed = rto.get("measuredSeconds") or rto.get("elapsedSeconds") or 0.0
    if not target:
        return Text(f"elapsed {elapsed / 60:.1f} min")
    over = elapsed > target * 60
    line = Table.grid(padding=(0, 1))
    line.add_row(
        Text(f"elapsed {elapsed / 60:.1f} min of the {target} min RTO target", style="red" if over else ""),
        ProgressBar(total=target * 60.0, completed=min(elapsed, target * 60.0), width=30),
        Text(
            {True: "met", False: "MISSED"}.get(bool(rto["met"]), "") if rto.get("met") is not None else "",
            style="green" if rto.get("met") else "red",
        ),
    )
    return line


def _counts(servers: list[dict[str, Any]]) -> tuple[int, int, int]:
    launched = sum(1 for server in servers if server.get("launchStatus") == "LAUNCHED")
    healthy = sum(1 for server in servers if server.get("health") == "HEALTHY")
    failed = sum(1 for server in servers if server.get("launchStatus") in ("FAILED", "TERMINATED"))
    return launched, healthy, failed


def _waves(execution: dict[str, Any], awaiting: list[str]) -> Table:
    table = Table(title="waves", title_justify="left", expand=False)
    for heading in ("wave", "status", "servers launched", "", "healthy", "failed"):
        table.add_column(heading)
    for wave in execution.get("waves") or []:
        servers = wave.get("servers") or []
        launched, healthy, failed = _counts(servers)
        status = "WAITING_APPROVAL" if wave["id"] in awaiting else wave["status"]
        table.add_row(
            wave.get("name") or wave["id"],
            _styled(status),
            ProgressBar(total=max(len(servers), 1), completed=launched if servers else 0, width=24),
            f"{launched}/{len(servers)}",
            str(healthy),
            Text(str(failed), style="red" if failed else ""),
        )
    return table


def _servers(execution: dict[str, Any]) -> Table:
    rows = [
        (wave["id"], server) for wave in execution.get("waves") or [] for server in wave.get("servers") or []
    ]
    table = Table(title="servers", title_justify="left")
    for heading in ("wave", "server", "launch", "health", "instance"):
        table.add_column(heading)
    for wave_id, server in rows[:MAX_SERVER_ROWS]:
        table.add_row(
            wave_id,
            server["sourceServerId"],
            _styled(server.get("launchStatus")),
            _styled(server.get("health")),
            server.get("recoveryInstanceId") or "-",
        )
    if len(rows) > MAX_SERVER_ROWS:
        table.caption = f"and {len(rows) - MAX_SERVER_ROWS} more servers"
    return table


def view(execution: dict[str, Any], awaiting: list[str]) -> RenderableType:
    """The live view of one poll of the run."""
    title = Text.assemble(
        (f"{execution['id']}  ", "bold"),
        f"{execution.get('planName') or execution.get('planId')}  {execution.get('mode')}  ",
        _styled(execution["status"]),
    )
    parts: list[RenderableType] = [title, _rto(execution), _waves(execution, awaiting), _servers(execution)]
    for wave in awaiting:
        parts.append(
            Text(
                f"wave {wave} waits for approval: drs-orch approve {execution['id']} {wave}", style="magenta"
            )
        )
    return Group(*parts)
