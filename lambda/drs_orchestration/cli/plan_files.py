"""``export`` and ``import``: plans as code from the command line, over the REST API.

``export PLAN`` prints a plan (id or name) as YAML (``--format json`` for JSON); ``import FILE`` sends a
YAML or JSON plan file (``-`` reads standard input): with ``--dry-run`` it prints the changes only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from drs_orchestration.cli.commands import as_json, resolve_plan
from drs_orchestration.cli.output import UsageError
from drs_orchestration.cli.registry import Context

__all__ = [
    "describe_import",
    "diff_arguments",
    "diff_plan",
    "export_arguments",
    "export_plan",
    "import_arguments",
    "import_plan",
]

MEDIA = {"yaml": "application/yaml", "json": "application/json"}


def export_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("plan", help="the plan's id or name")
    command.add_argument("--format", choices=sorted(MEDIA), default="yaml")


def import_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", help="a YAML or JSON plan file; - reads standard input")
    command.add_argument("--dry-run", action="store_true", help="print the changes, change nothing")
    command.add_argument(
        "--expect-version", type=int, default=None, help="refuse unless the plan is at this version"
    )
    command.add_argument("--json", action="store_true", help="the same as --output json")


def diff_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", help="a YAML or JSON plan file; - reads standard input")
    command.add_argument("--json", action="store_true", help="the same as --output json")


def _read(file: str) -> tuple[str, str]:
    """The file's text and its media type: JSON when it reads as a JSON object, else YAML."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {file}: {error}") from error
    kind = "json" if file.endswith(".json") or text.lstrip().startswith("{") else "yaml"
    return text, MEDIA[kind]


def _value(value: Any) -> str:
    return "(none)" if value is None else as_json(value).replace("\n", " ")


def describe_import(result: dict[str, Any]) -> list[str]:
    """The answer of an import as lines: each plan's action, then each field that changes."""
    lines: list[str] = []
    for change in result.get("changes") or []:
        plan = result.get("plan") or {}
        plan_id = change.get("planId") or plan.get("id")
        version = f", version {change['version']}" if change.get("version") else ""
        where = f" ({plan_id}{version})" if plan_id else ""
        status = "dry run" if result.get("dryRun") else "applied"
        lines.append(f"{change['action']} {change['planName']}{where} [{status}]")
        lines += [
            f"  {field['path']}: {_value(field.get('before'))} -> {_value(field.get('after'))}"
            for field in change.get("fields") or []
        ]
    return lines


def export_plan(context: Context, args: argparse.Namespace) -> int:
    """Print a plan as a file: YAML, or the API's JSON in the API's order (formatVersion first)."""
    plan = resolve_plan(context.api, args.plan)
    text = context.api.request("GET", f"/recovery-plans/{plan['id']}/export", accept=MEDIA[args.format])
    if isinstance(text, str):
        context.out.line(text, end="")
    else:
        context.out.line(json.dumps(text, indent=2, ensure_ascii=False))
    return 0


def import_plan(context: Context, args: argparse.Namespace) -> int:
    """Import a plan file; with ``--dry-run`` only print what would change."""
    text, media_type = _read(args.file)
    query = {"dryRun": "true"} if args.dry_run else {}
    if args.expect_version is not None:
        query["version"] = str(args.expect_version)
    result = context.api.post_text("/recovery-plans/import", text, content_type=media_type, query=query)
    if context.out.json or args.json:
        context.out.value(result)
    else:
        context.out.line("\n".join(describe_import(result)) or "no changes")
    return 0


def diff_plan(context: Context, args: argparse.Namespace) -> int:
    """What importing a plan file would change (an import's dry run)."""
    args.dry_run, args.expect_version = True, None
    return import_plan(context, args)
