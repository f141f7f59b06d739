"""The DR programme: ``readiness`` (the account-wide score and findings, and ``scan``) and
``schedules list|create|update|delete`` (scheduled drills of a plan)."""

from __future__ import annotations

import argparse
from typing import Any

from drs_orchestration.cli.commands import resolve_plan
from drs_orchestration.cli.output import EXIT_OK, Column, UsageError
from drs_orchestration.cli.registry import Command, Context

__all__ = ["COMMANDS"]

FINDINGS = (
    Column.key("severity", "severity"),
    Column.key("code", "code"),
    Column.key("resource", "resourceId"),
    Column.key("message", "message"),
)
SCHEDULES = (
    Column.key("id", "id"),
    Column.key("expression", "expression"),
    Column.key("time zone", "timezone"),
    Column.key("mode", "mode"),
    Column.key("enabled", "enabled"),
    Column.key("next run", "nextRunAt"),
    Column("last result", lambda row: _last_result(row.get("lastResult"))),
    Column.key("version", "version"),
)


def _last_result(result: dict[str, Any] | None) -> str | None:
    if not result:
        return None
    return f"{result.get('at')} {result.get('error') or result.get('executionId') or ''}".strip()


def readiness(context: Context, args: argparse.Namespace) -> int:
    """The account-wide readiness: its score, when it was checked, and the findings behind it."""
    answer = context.api.get("/readiness")
    if context.out.json:
        context.out.value(answer)
        return EXIT_OK
    score = "not computed yet" if answer.get("score") is None else f"{answer['score']}/100"
    context.out.line(f"readiness {score}, checked {answer.get('checkedAt') or '-'}")
    history = answer.get("history") or []
    if history:
        context.out.line("trend " + "  ".join(f"{day['date']}: {day['score']}" for day in history[-7:]))
    context.out.rows(answer, answer.get("findings") or [], FINDINGS, title="findings")
    return EXIT_OK


def scan(context: Context, args: argparse.Namespace) -> int:
    """Ask for a fresh readiness scan now (the score updates when it has run)."""
    accepted = context.api.post("/readiness/scans", None)
    fields = (Column.key("requested at", "requestedAt"), Column.key("requested by", "requestedBy"))
    context.out.fields(accepted, fields, title="readiness scan requested")
    return EXIT_OK


def _plan(command: argparse.ArgumentParser) -> None:
    command.add_argument("plan", help="the plan's id or name")


def _schedule(command: argparse.ArgumentParser) -> None:
    _plan(command)
    command.add_argument("schedule_id", help="the schedule (sch-...)")


def _schedule_fields(command: argparse.ArgumentParser, *, create: bool) -> None:
    command.add_argument(
        "--expression", required=create, help='when it fires: "cron(0 3 ? * SAT#1 *)" or "rate(7 days)"'
    )
    command.add_argument(
        "--timezone", default="UTC" if create else None, help="an IANA time zone (default UTC)"
    )
    enabled = command.add_mutually_exclusive_group()
    enabled.add_argument("--enable", dest="enabled", action="store_true", default=None, help="fire (default)")
    enabled.add_argument("--disable", dest="enabled", action="store_false", help="keep, but do not fire")


def _create_arguments(command: argparse.ArgumentParser) -> None:
    _plan(command)
    _schedule_fields(command, create=True)


def _update_arguments(command: argparse.ArgumentParser) -> None:
    _schedule(command)
    _schedule_fields(command, create=False)


def _path(context: Context, args: argparse.Namespace) -> str:
    plan = resolve_plan(context.api, args.plan)
    return f"/recovery-plans/{plan['id']}/schedules"


def list_schedules(context: Context, args: argparse.Namespace) -> int:
    schedules = context.api.pages(_path(context, args))
    context.out.rows({"items": schedules}, schedules, SCHEDULES)
    return EXIT_OK


def create_schedule(context: Context, args: argparse.Namespace) -> int:
    """Schedule drills of the plan (only drills can be scheduled)."""
    body = {"expression": args.expression, "timezone": args.timezone, "mode": "DRILL"}
    body["enabled"] = args.enabled is not False
    created = context.api.post(_path(context, args), body)
    context.out.fields(created, SCHEDULES, title="schedule created")
    return EXIT_OK


def update_schedule(context: Context, args: argparse.Namespace) -> int:
    """Change what is given, keep the rest; under the schedule's current version."""
    changes = {
        key: value
        for key, value in (
            ("expression", args.expression),
            ("timezone", args.timezone),
            ("enabled", args.enabled),
        )
        if value is not None
    }
    if not changes:
        raise UsageError("give --expression, --timezone, --enable or --disable")
    path = f"{_path(context, args)}/{args.schedule_id}"
    current = context.api.get(path)
    body = {key: current.get(key) for key in ("expression", "timezone", "mode", "enabled", "version")}
    updated = context.api.put(path, body | changes)
    context.out.fields(updated, SCHEDULES, title="schedule updated")
    return EXIT_OK


def delete_schedule(context: Context, args: argparse.Namespace) -> int:
    context.api.delete(f"{_path(context, args)}/{args.schedule_id}")
    deleted = {"id": args.schedule_id, "deleted": True}
    context.out.fields(deleted, [Column.key("id", "id"), Column.key("deleted", "deleted")])
    return EXIT_OK


COMMANDS = (
    Command(
        ("readiness", "show"), "the account-wide readiness score and findings (also: readiness)", readiness
    ),
    Command(("readiness", "scan"), "compute the readiness again now", scan),
    Command(("schedules", "list"), "list a plan's drill schedules", list_schedules, _plan),
    Command(("schedules", "create"), "schedule drills of a plan (Admin)", create_schedule, _create_arguments),
    Command(("schedules", "update"), "change a schedule (Admin)", update_schedule, _update_arguments),
    Command(("schedules", "delete"), "delete a schedule (Admin)", delete_schedule, _schedule),
)
