"""Runs: ``drill``, ``recovery``, ``failback``, ``follow``, the operator's steering (``pause``, ``resume``,
``cancel``, ``approve``, ``retry``, ``skip``, ``terminate``), ``report``, ``evidence``, and after a
failback ``reprotect`` and ``failback-cleanup``."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from drs_orchestration.cli import commands, live
from drs_orchestration.cli.output import EXIT_OK, EXIT_RUN_FAILED, BadAnswer, Column, UsageError
from drs_orchestration.cli.registry import Command, Context

__all__ = ["COMMANDS"]

POINT_IN_TIME = "launch from each server's latest snapshot at or before this instant (ISO-8601 UTC)"
ACCEPTED = (
    Column.key("execution", "executionId"),
    Column.key("request", "request"),
    Column.key("wave", "waveId"),
    Column.key("sequence", "sequence"),
    Column.key("status", "status"),
)
SERVER_RESULTS = (
    Column.key("server", "sourceServerId"),
    Column.key("status", "status"),
    Column.key("message", "message"),
)


def _follow_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--timeout", type=float, default=None, help="give up following after this many seconds"
    )
    command.add_argument("--interval", type=float, default=2.0, help="seconds between progress polls")


def _start_options(command: argparse.ArgumentParser, *, point_in_time: bool = True) -> None:
    command.add_argument("plan", help="the plan's id or name")
    follow = command.add_mutually_exclusive_group()
    follow.add_argument(
        "--follow", "--wait", action="store_true", help="follow the run to its end (the default)"
    )
    follow.add_argument("--no-follow", action="store_true", help="print the execution id and return")
    _follow_options(command)
    if point_in_time:
        command.add_argument("--point-in-time", help=POINT_IN_TIME)


def _recovery_options(command: argparse.ArgumentParser) -> None:
    _start_options(command)
    command.add_argument("--confirm", required=True, help="the plan's name, typed again")


def _failback_options(command: argparse.ArgumentParser) -> None:
    _start_options(command, point_in_time=False)
    command.add_argument("--source-execution", required=True, help="the RECOVERY run to fail back")
    command.add_argument("--confirm", required=True, help="the plan's name, typed again")


def _finish(context: Context, execution_id: str, args: argparse.Namespace) -> int:
    """Follow the run to its end, then print its report: 0 when it SUCCEEDED, else 1."""
    try:
        final = live.follow_run(context, execution_id, interval=args.interval, timeout=args.timeout)
    except TimeoutError as error:
        context.out.error(str(error))
        return EXIT_RUN_FAILED
    report = commands.full_report(context.api, execution_id)
    context.out.line(commands.as_json(report) if context.out.json else commands.format_report(report))
    return EXIT_OK if final["status"] == "SUCCEEDED" else EXIT_RUN_FAILED


def start(context: Context, args: argparse.Namespace) -> int:
    """Start a run of the plan (a RECOVERY or FAILBACK only when ``--confirm`` repeats its name)."""
    plan = commands.resolve_plan(context.api, args.plan)
    mode = args.command[0].upper()
    if mode != "DRILL" and args.confirm != plan.get("name"):
        raise UsageError(f"--confirm must repeat the plan's name ({plan.get('name')!r})")
    execution_id = commands.start_run(
        context.api,
        plan,
        mode,
        point_in_time=getattr(args, "point_in_time", None),
        source_execution_id=getattr(args, "source_execution", None),
    )
    if not context.out.json:
        context.out.line(f"started {execution_id}")
    elif args.no_follow:
        context.out.value({"executionId": execution_id})
    return EXIT_OK if args.no_follow else _finish(context, execution_id, args)


def follow(context: Context, args: argparse.Namespace) -> int:
    return _finish(context, args.execution_id, args)


def _execution(command: argparse.ArgumentParser) -> None:
    command.add_argument("execution_id", help="the run (ex-...)")


def _wave(command: argparse.ArgumentParser) -> None:
    _execution(command)
    command.add_argument("wave_id", help="the wave's id in the plan")


def _follow_arguments(command: argparse.ArgumentParser) -> None:
    _execution(command)
    _follow_options(command)


def _steer(context: Context, args: argparse.Namespace) -> int:
    """POST an operator's request (pause, resume, cancel; approve, retry, skip a wave)."""
    operation = args.command[0]
    path = f"/executions/{args.execution_id}"
    if getattr(args, "wave_id", None):
        path += f"/waves/{args.wave_id}"
    accepted = context.api.post(f"{path}/{operation}", None)
    context.out.fields(accepted, ACCEPTED, title=f"{operation}: accepted")
    return EXIT_OK


def terminate(context: Context, args: argparse.Namespace) -> int:
    """End the recovery instances a drill launched."""
    result = context.api.post(f"/executions/{args.execution_id}/terminate-instances", None)
    fields = (
        Column.key("execution", "executionId"),
        Column.key("terminated", "terminatedInstanceIds"),
        Column.key("DRS jobs", "jobIds"),
        Column.key("remaining", "remaining"),
    )
    context.out.fields(result, fields, title="terminate")
    return EXIT_OK


def _report_options(command: argparse.ArgumentParser) -> None:
    _execution(command)
    command.add_argument("--format", choices=["text", "json", "csv"], default=None, help="default: --output")


def report(context: Context, args: argparse.Namespace) -> int:
    """The run's report: text (the default), the API's JSON, or the API's CSV."""
    chosen = args.format or ("json" if context.out.json else "text")
    if chosen == "csv":
        path = f"/executions/{args.execution_id}/report"
        context.out.line(context.api.request("GET", path, accept="text/csv"), end="")
        return EXIT_OK
    full = commands.full_report(context.api, args.execution_id)
    context.out.line(commands.as_json(full) if chosen == "json" else commands.format_report(full))
    return EXIT_OK


def _evidence_options(command: argparse.ArgumentParser) -> None:
    _execution(command)
    command.add_argument(
        "--file",
        default=None,
        help="where to write the HTML pack (default: EXECUTION-evidence.html; - prints it)",
    )


def evidence(context: Context, args: argparse.Namespace) -> int:
    """Save the run's evidence pack and check it against the digest the API sent with it."""
    context.api.request("GET", f"/executions/{args.execution_id}/evidence", accept="text/html")
    body = context.api.last_body
    digest = hashlib.sha256(body).hexdigest()
    sent = context.api.last_headers.get("x-content-sha256")
    if sent and sent != digest:
        raise BadAnswer(f"the evidence pack does not match its digest: got {digest}, the API sent {sent}")
    if args.file == "-":
        context.out.console.file.write(body.decode())
        return EXIT_OK
    file = Path(args.file or f"{args.execution_id}-evidence.html")
    file.write_bytes(body)
    saved = {"file": str(file), "sha256": digest, "sizeBytes": len(body), "verified": sent is not None}
    context.out.fields(saved, [Column.key(key, key) for key in saved], title="evidence pack")
    return EXIT_OK


def _json_flag(command: argparse.ArgumentParser) -> None:
    _execution(command)
    command.add_argument("--json", action="store_true", help="the same as --output json")


def server_operation(context: Context, args: argparse.Namespace) -> int:
    """Re-protect or clean up after a failback: one row per server; 1 when a server failed."""
    results = commands.server_results(context.api, args.execution_id, args.command[0])
    if context.out.json or args.json:
        context.out.value(results)
    else:
        context.out.line(commands.format_server_results(results))
    return EXIT_RUN_FAILED if any(result["status"] == "FAILED" for result in results) else EXIT_OK


COMMANDS = (
    Command(("drill",), "start a drill of a plan (id or name) and follow it", start, _start_options),
    Command(("recovery",), "start a real recovery of a plan and follow it (Admin)", start, _recovery_options),
    Command(
        ("failback",),
        "fail back what a finished recovery of the plan brought up, and follow it (Admin)",
        start,
        _failback_options,
    ),
    Command(
        ("follow",),
        "follow a run live until it ends",
        follow,
        _follow_arguments,
    ),
    Command(("pause",), "pause a run before its next step", _steer, _execution),
    Command(("resume",), "resume a paused run", _steer, _execution),
    Command(("cancel",), "cancel a run", _steer, _execution),
    Command(("approve",), "approve a wave waiting for approval", _steer, _wave),
    Command(("retry",), "retry a failed wave (its failed servers)", _steer, _wave),
    Command(("skip",), "skip a wave", _steer, _wave),
    Command(("terminate",), "terminate the instances a drill launched", terminate, _execution),
    Command(("report",), "print a run's report", report, _report_options),
    Command(
        ("evidence",), "save a run's evidence pack (HTML) and check its digest", evidence, _evidence_options
    ),
    Command(
        ("reprotect",),
        "after a failback, protect its servers again in the original direction (Admin)",
        server_operation,
        _json_flag,
    ),
    Command(
        ("failback-cleanup",),
        "after a failback, stop failback and disconnect its recovery instances (Admin)",
        server_operation,
        _json_flag,
    ),
)
