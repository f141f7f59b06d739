"""``drs-orch [target options] [--output json|table] COMMAND`` - run ``--help`` for the commands."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console

from drs_orchestration.cli import programme, resources, runs
from drs_orchestration.cli.api_client import ApiClient, ApiError, ApiUnreachable
from drs_orchestration.cli.output import (
    EXIT_API_CLIENT,
    EXIT_API_SERVER,
    EXIT_AUTH,
    EXIT_CODES_HELP,
    EXIT_OK,
    EXIT_RUN_FAILED,
    EXIT_USAGE,
    BadAnswer,
    NotFound,
    Output,
    UsageError,
)
from drs_orchestration.cli.registry import Command, Context
from drs_orchestration.cli.target import SignInError, Target, TargetError, resolve_target, sign_in
from drs_orchestration.version import product_version

__all__ = ["COMMANDS", "EXIT_ERROR", "EXIT_OK", "EXIT_RUN_FAILED", "main", "parser"]

EXIT_ERROR = EXIT_USAGE
"""Kept for scripts written against earlier versions: a usage error."""

COMMANDS: tuple[Command, ...] = (*resources.COMMANDS, *runs.COMMANDS, *programme.COMMANDS)
GROUPS = {
    "groups": ("protection groups: list, show", "list"),
    "plans": ("recovery plans: list, show, create, export, import, diff", "list"),
    "readiness": ("the account-wide readiness: show, scan", "show"),
    "schedules": ("a plan's drill schedules: list, create, update, delete", None),
}
ERROR_CODES: dict[type[Exception], int] = {
    SignInError: EXIT_AUTH,
    ApiUnreachable: EXIT_API_SERVER,
    BadAnswer: EXIT_API_SERVER,
    UsageError: EXIT_USAGE,
    TargetError: EXIT_USAGE,
    NotFound: EXIT_API_CLIENT,
}

PIPED_WIDTH = 240
HANDLED: tuple[type[Exception], ...] = (ApiError, *ERROR_CODES)


def _root() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="drs-orch",
        description="Script DRS Orchestration: groups, plans, drills and recoveries followed live, "
        "reports, evidence, readiness and schedules.",
        epilog="Without target options it uses local mode's .local/endpoints.json ($DRS_LOCAL_DIR).\n\n"
        + EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument("--version", action="version", version=f"drs-orch {product_version()}")
    root.add_argument(
        "--output", choices=["table", "json"], default="table", help="json: the API's JSON as it is"
    )
    target = root.add_argument_group("target (flags win over DRS_* variables)")
    target.add_argument("--console", help="a deployed console's URL: its /config.json names the rest")
    target.add_argument("--endpoints", help="local mode's endpoints.json")
    target.add_argument("--api-url", help="the REST API base URL ($DRS_API_URL)")
    target.add_argument("--region", help="$DRS_REGION")
    target.add_argument("--user-pool-id", help="$DRS_USER_POOL_ID")
    target.add_argument("--user-pool-client-id", help="$DRS_USER_POOL_CLIENT_ID")
    target.add_argument("--cognito-endpoint", help="a local Cognito endpoint ($DRS_COGNITO_ENDPOINT)")
    auth = root.add_argument_group("sign-in")
    auth.add_argument("--username", help="$DRS_USERNAME (local mode: the demo admin by default)")
    auth.add_argument("--password", help="$DRS_PASSWORD")
    auth.add_argument(
        "--auth-flow", choices=["USER_SRP_AUTH", "USER_PASSWORD_AUTH"], help="default: SRP on AWS"
    )
    return root


def _leaf(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A command's parser; ``--output`` may also follow the command."""
    command: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    command.add_argument("--output", choices=["table", "json"], default=argparse.SUPPRESS, help="json|table")
    return command


def parser() -> argparse.ArgumentParser:
    """The command line, built from the table of commands."""
    root = _root()
    sub = root.add_subparsers(dest="name", required=True, metavar="COMMAND")
    _leaf(sub, "signin", "print an ID token (export DRS_TOKEN=... to skip signing in)").set_defaults(
        command=("signin",)
    )
    groups: dict[str, Any] = {}
    for command in COMMANDS:
        if len(command.path) == 1:
            leaf = _leaf(sub, command.path[0], command.help)
        else:
            if command.path[0] not in groups:
                groups[command.path[0]] = _group(sub, command.path[0])
            leaf = _leaf(groups[command.path[0]], command.path[1], command.help)
        command.arguments(leaf)
        leaf.set_defaults(command=command.path)
    return root


def _group(sub: Any, name: str) -> Any:
    help_text, default = GROUPS[name]
    group = _leaf(sub, name, help_text)
    if name == "plans":
        group.add_argument("--json", action="store_true", help="the same as --output json")
    actions = group.add_subparsers(dest=f"{name}_action", metavar="ACTION", required=default is None)
    if default:
        group.set_defaults(command=(name, default))
    return actions


def _token(args: argparse.Namespace, target: Target) -> str:
    if os.environ.get("DRS_TOKEN") and args.command != ("signin",):
        return os.environ["DRS_TOKEN"]
    username = args.username or os.environ.get("DRS_USERNAME")
    password = args.password or os.environ.get("DRS_PASSWORD")
    if not username and target.default_user:
        username, password = target.default_user
    if not username or not password:
        raise SignInError("give --username and --password (or DRS_USERNAME and DRS_PASSWORD)")
    return sign_in(target, username, password, flow=args.auth_flow)


def run(args: argparse.Namespace, context_for: Callable[[ApiClient], Context]) -> int:
    """Resolve the target, sign in, and run the command."""
    flags: dict[str, Any] = {
        key: getattr(args, key)
        for key in ("console", "endpoints", "api_url", "region", "user_pool_id", "user_pool_client_id")
    }
    flags["cognito_endpoint"] = args.cognito_endpoint
    target = resolve_target(flags)
    token = _token(args, target)
    context = context_for(ApiClient(target.api_url, token))
    if args.command == ("signin",):
        context.out.line(token)
        return EXIT_OK
    command = next(command for command in COMMANDS if command.path == args.command)
    return command.run(context, args)


def exit_code(error: Exception) -> int:
    """The exit code of an error (see ``--help``)."""
    if isinstance(error, ApiError):
        if error.status == 401:
            return EXIT_AUTH
        return EXIT_API_CLIENT if 400 <= error.status < 500 else EXIT_API_SERVER
    return next(code for kind, code in ERROR_CODES.items() if isinstance(error, kind))


def _console() -> Console:
    """The terminal; into a pipe or a file, wide enough that tables keep whole lines."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    return console


def main(
    argv: list[str] | None = None,
    *,
    console: Console | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run the command line ``argv``; ``console``, ``sleep`` and ``clock`` are what it prints to and
    waits on (a terminal, and real time, unless given)."""
    args = parser().parse_args(argv)
    chosen = console or _console()
    out = Output(chosen, json_output=args.output == "json")
    try:
        return run(args, lambda api: Context(api, out, sleep=sleep, clock=clock))
    except HANDLED as error:
        out.error(str(error))
        return exit_code(error)


if __name__ == "__main__":
    sys.exit(main())
