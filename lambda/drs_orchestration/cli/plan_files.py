"""``export`` and ``import``: plans as code from the command line, over the REST API.

``export PLAN`` prints a plan (id or name) as YAML (``--format json`` for JSON); ``import FILE`` sends a
YAML or JSON plan file (``-`` reads standard input): with ``--dry-run`` it prints the changes only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drs_orchestration.cli.api_client import ApiClient
from drs_orchestration.cli.commands import as_json, resolve_plan

__all__ = ["COMMANDS", "add_commands", "describe_import", "run_command"]

COMMANDS = frozenset({"export", "import"})
MEDIA = {"yaml": "application/yaml", "json": "application/json"}


def add_commands(sub: Any) -> None:
    """Add ``export`` and ``import`` to the CLI's subcommands."""
    export = sub.add_parser("export", help="print a plan (id or name) as a file, groups named")
    export.add_argument("plan")
    export.add_argument("--format", choices=sorted(MEDIA), default="yaml")
    imported = sub.add_parser("import", help="import a plan file: create or update the plan of its name")
    imported.add_argument("file", help="a YAML or JSON plan file; - reads standard input")
    imported.add_argument("--dry-run", action="store_true", help="print the changes, change nothing")
    imported.add_argument(
        "--expect-version", type=int, default=None, help="refuse unless the plan is at this version"
    )
    imported.add_argument("--json", action="store_true", help="print the API's answer as JSON")


def _read(file: str) -> tuple[str, str]:
    """The file's text and its media type: JSON when it reads as a JSON object, else YAML."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LookupError(f"cannot read {file}: {error}") from error
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


def run_command(api: ApiClient, args: argparse.Namespace, out: Callable[..., None]) -> int | None:
    """Run ``export`` or ``import`` (its exit code); ``None`` for any other command."""
    if args.command == "export":
        plan = resolve_plan(api, args.plan)
        text = api.request("GET", f"/recovery-plans/{plan['id']}/export", accept=MEDIA[args.format])
        if isinstance(text, str):
            out(text, end="")
        else:  # the API's JSON, in the API's order (formatVersion first)
            out(json.dumps(text, indent=2, ensure_ascii=False))
        return 0
    if args.command == "import":
        text, media_type = _read(args.file)
        query = {"dryRun": "true"} if args.dry_run else {}
        if args.expect_version is not None:
            query["version"] = str(args.expect_version)
        result = api.post_text("/recovery-plans/import", text, content_type=media_type, query=query)
        out(as_json(result) if args.json else "\n".join(describe_import(result)))
        return 0
    return None
