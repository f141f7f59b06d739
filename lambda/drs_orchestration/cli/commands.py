"""What several commands share, over the REST API: find a plan, start a run, read and print its report."""

from __future__ import annotations

import time
from typing import Any

from drs_orchestration.cli.api_client import ApiClient
from drs_orchestration.cli.output import NotFound, as_json
from drs_orchestration.domain.models.execution import TERMINAL_EXECUTION_STATUSES

__all__ = [
    "TERMINAL",
    "as_json",
    "format_report",
    "format_server_results",
    "full_report",
    "list_plans",
    "progress_line",
    "resolve_plan",
    "server_results",
    "stamp",
    "start_run",
]

TERMINAL = frozenset(status.value for status in TERMINAL_EXECUTION_STATUSES)


def list_plans(api: ApiClient) -> list[dict[str, Any]]:
    plans: list[dict[str, Any]] = api.pages("/recovery-plans")
    return plans


def resolve_plan(api: ApiClient, plan: str) -> dict[str, Any]:
    """A plan by id (``rp-...``) or by exact name."""
    if plan.startswith("rp-"):
        found: dict[str, Any] = api.get(f"/recovery-plans/{plan}")
        return found
    matches = [item for item in list_plans(api) if item.get("name") == plan]
    if len(matches) != 1:
        raise NotFound(f"no recovery plan named {plan!r}" if not matches else f"{plan!r} names several plans")
    return matches[0]


def start_run(
    api: ApiClient,
    plan: dict[str, Any],
    mode: str = "DRILL",
    *,
    point_in_time: str | None = None,
    source_execution_id: str | None = None,
) -> str:
    """Start a run of ``plan``: a RECOVERY or FAILBACK repeats the plan's name; ``point_in_time``
    launches from the snapshots at or before it; a FAILBACK names the RECOVERY run it brings home."""
    body: dict[str, Any] = {"planId": plan["id"], "mode": mode}
    if mode in ("RECOVERY", "FAILBACK"):
        body["confirmPlanName"] = plan["name"]
    if point_in_time:
        body["pointInTime"] = point_in_time
    if source_execution_id:
        body["sourceExecutionId"] = source_execution_id
    started = api.post("/executions", body)
    return str(started["executionId"])


def server_results(api: ApiClient, execution_id: str, operation: str) -> list[dict[str, Any]]:
    """Re-protect (``reprotect``) or clean up (``failback-cleanup``) after a failback: per-server results."""
    answer = api.post(f"/executions/{execution_id}/{operation}", None)
    results: list[dict[str, Any]] = answer.get("items", [])
    return results


def format_server_results(results: list[dict[str, Any]]) -> str:
    """One line per server: its id, status and message."""
    return "\n".join(f"{r['sourceServerId']}  {r['status']:<18} {r.get('message', '')}" for r in results)


def _servers(wave: dict[str, Any]) -> str:
    servers = wave.get("servers") or []
    if not servers:
        return ""
    launched = sum(1 for server in servers if server.get("launchStatus") == "LAUNCHED")
    healthy = sum(1 for server in servers if server.get("health") == "HEALTHY")
    failed = sum(1 for server in servers if server.get("launchStatus") in ("FAILED", "TERMINATED"))
    text = f" {launched}/{len(servers)} launched"
    if healthy:
        text += f", {healthy} healthy"
    if failed:
        text += f", {failed} failed"
    return text


def progress_line(execution: dict[str, Any]) -> str:
    """One line: the run's status and each wave's, with server counts."""
    waves = " | ".join(
        f"{wave['id']}: {wave['status']}{_servers(wave)}" for wave in execution.get("waves") or []
    )
    return f"{execution['status']:<16} {waves}"


def stamp(api: ApiClient) -> str:
    """The time of a line: the server's (the product's clock) when it said, else this machine's."""
    return api.server_time.strftime("%H:%M:%S") if api.server_time else time.strftime("%H:%M:%S")


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def full_report(api: ApiClient, execution_id: str) -> dict[str, Any]:
    """The whole report: the first page's summary with every page's server rows (``nextToken``)."""
    path = f"/executions/{execution_id}/report"
    report: dict[str, Any] = api.get(path, limit="1000")
    servers = list(report.get("servers") or [])
    seen: set[str] = set()
    token = report.pop("nextToken", None)
    while token:
        if token in seen:
            raise RuntimeError(f"the report's pagination token repeated: {token}")
        seen.add(token)
        page = api.get(path, limit="1000", nextToken=token)
        servers.extend(page.get("servers") or [])
        token = page.get("nextToken")
    return {**report, "servers": servers}


def format_report(report: dict[str, Any]) -> str:
    """The report as text: the run, its RTO against the target, and one line per server."""
    execution = report["execution"]
    rto = execution.get("rto") or {}
    met = {True: "met", False: "MISSED", None: "not measured"}[rto.get("met")]
    lines = [
        f"Execution {execution['id']}  plan {execution.get('planName') or execution['planId']}  "
        f"mode {execution['mode']}  status {execution['status']}",
        f"Started {execution.get('startedAt')}  ended {execution.get('endedAt')}",
        f"RTO {_minutes(rto.get('measuredSeconds'))} against a target of "
        f"{report['rtoTargetMinutes']} min: {met}",
        "",
        f"{'wave':<14} {'server':<21} {'impact':<9} {'launch':<11} {'health':<10} {'to launch':>10}",
    ]
    for row in report.get("servers") or []:
        lines.append(
            f"{row['waveId']:<14} {row['sourceServerId']:<21} {row['impact']:<9} "
            f"{row.get('launchStatus') or '-':<11} {row.get('health') or '-':<10} "
            f"{_minutes(row.get('secondsToLaunch')):>10}"
        )
    return "\n".join(lines)
