"""``groups list|show`` and ``plans list|show|create|export|import|diff``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

from drs_orchestration.cli import plan_files
from drs_orchestration.cli.commands import list_plans, resolve_plan
from drs_orchestration.cli.output import Column, NotFound, UsageError
from drs_orchestration.cli.registry import Command, Context

__all__ = ["COMMANDS", "resolve_group"]

GROUP_COLUMNS = (
    Column.key("id", "id"),
    Column.key("name", "name"),
    Column.key("account", "accountId"),
    Column.key("region", "region"),
    Column("servers", lambda group: len(group.get("sourceServerIds") or []) or None),
    Column.key("tag selector", "tagSelector"),
    Column.key("version", "version"),
)
PLAN_COLUMNS = (
    Column.key("id", "id"),
    Column.key("name", "name"),
    Column("waves", lambda plan: len(plan.get("waves") or [])),
    Column.key("RTO target (min)", "rtoTargetMinutes"),
    Column.key("version", "version"),
)
WAVE_COLUMNS = (
    Column.key("wave", "id"),
    Column.key("name", "name"),
    Column("depends on", lambda wave: ", ".join(d["waveId"] for d in wave.get("dependsOn") or []) or None),
    Column("groups", lambda wave: ", ".join(wave.get("protectionGroupIds") or [])),
    Column("pre", lambda wave: len(wave.get("preActions") or [])),
    Column("post", lambda wave: len(wave.get("postActions") or [])),
    Column("health gate", lambda wave: (wave.get("healthCheck") or {}).get("documentName")),
    Column.key("pause before", "pauseBefore"),
)


def _json_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument("--json", action="store_true", help="the same as --output json")


def _one(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(what, help=f"the {what}'s id or name")


def resolve_group(context: Context, group: str) -> dict[str, Any]:
    """A protection group by id (``pg-...``) or by exact name."""
    if group.startswith("pg-"):
        found: dict[str, Any] = context.api.get(f"/protection-groups/{group}")
        return found
    matches: list[dict[str, Any]] = [
        item for item in context.api.pages("/protection-groups") if item.get("name") == group
    ]
    if len(matches) != 1:
        raise NotFound(
            f"no protection group named {group!r}" if not matches else f"{group!r} names several groups"
        )
    return matches[0]


def list_groups(context: Context, args: argparse.Namespace) -> int:
    groups = context.api.pages("/protection-groups")
    context.out.rows({"items": groups}, groups, GROUP_COLUMNS)
    return 0


def show_group(context: Context, args: argparse.Namespace) -> int:
    group = resolve_group(context, args.group)
    if context.out.json:
        context.out.value(group)
        return 0
    context.out.fields(group, (*GROUP_COLUMNS, Column.key("description", "description")))
    servers = context.api.pages(f"/protection-groups/{group['id']}/servers")
    columns = [Column.key(key, key) for key in ("sourceServerId", "hostname", "replicationState", "verdict")]
    context.out.rows(servers, servers, columns, title="servers")
    return 0


def list_plans_command(context: Context, args: argparse.Namespace) -> int:
    plans = list_plans(context.api)
    if getattr(args, "json", False):
        context.out.value(plans)  # as --json always printed it: the list of plans
        return 0
    context.out.rows({"items": plans}, plans, PLAN_COLUMNS)
    return 0


def show_plan(context: Context, args: argparse.Namespace) -> int:
    plan = resolve_plan(context.api, args.plan)
    if context.out.json:
        context.out.value(plan)
        return 0
    fields = (*PLAN_COLUMNS, Column.key("drill TTL (h)", "drillTtlHours"), Column.key("updated", "updatedAt"))
    context.out.fields(plan, fields)
    context.out.rows(plan, plan.get("waves") or [], WAVE_COLUMNS, title="waves")
    return 0


def _plan_body(file: str) -> Any:
    try:
        text = Path(file).read_text(encoding="utf-8")
        return json.loads(text) if file.endswith(".json") else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise UsageError(f"cannot read {file}: {error}") from error


def create_plan(context: Context, args: argparse.Namespace) -> int:
    """POST a plan (the API's JSON shape, groups by id) from a JSON or YAML file."""
    created = context.api.post("/recovery-plans", _plan_body(args.file))
    context.out.fields(created, PLAN_COLUMNS, title="created")
    return 0


def _create_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-f", "--file", required=True, help="a JSON or YAML plan as the API takes it (groups by id)"
    )


COMMANDS = (
    Command(("groups", "list"), "list protection groups", list_groups),
    Command(
        ("groups", "show"), "show a protection group and its servers", show_group, lambda c: _one(c, "group")
    ),
    Command(("plans", "list"), "list recovery plans (also: plans)", list_plans_command, _json_flag),
    Command(("plans", "show"), "show a recovery plan and its waves", show_plan, lambda c: _one(c, "plan")),
    Command(("plans", "create"), "create a recovery plan from a file", create_plan, _create_arguments),
    Command(
        ("plans", "export"),
        "print a plan (id or name) as a file, groups named (also: export)",
        plan_files.export_plan,
        plan_files.export_arguments,
    ),
    Command(
        ("plans", "import"),
        "import a plan file: create or update the plan of its name (also: import)",
        plan_files.import_plan,
        plan_files.import_arguments,
    ),
    Command(
        ("plans", "diff"),
        "what importing a plan file would change, changing nothing",
        plan_files.diff_plan,
        plan_files.diff_arguments,
    ),
    Command(("export",), "the same as plans export", plan_files.export_plan, plan_files.export_arguments),
    Command(("import",), "the same as plans import", plan_files.import_plan, plan_files.import_arguments),
)
