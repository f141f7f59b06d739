"""``python -m drs_orchestration.cli [target options] COMMAND`` - run ``--help`` for the commands."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from drs_orchestration.cli import commands, plan_files
from drs_orchestration.cli.api_client import ApiClient, ApiError
from drs_orchestration.cli.target import SignInError, Target, TargetError, resolve_target, sign_in
from drs_orchestration.version import product_version

EXIT_OK, EXIT_RUN_FAILED, EXIT_ERROR = 0, 1, 2


def _out(text: str, *, end: str = "\n", error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    stream.write(text + end)
    stream.flush()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m drs_orchestration.cli",
        description="Script DRS Orchestration: plans, drills, live progress and reports.",
        epilog="Without target options it uses local mode's .local/endpoints.json ($DRS_LOCAL_DIR).",
    )
    root.add_argument("--version", action="version", version=f"drs-orch {product_version()}")
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
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser("signin", help="print an ID token (export DRS_TOKEN=... to skip signing in)")
    sub.add_parser("plans", help="list recovery plans").add_argument("--json", action="store_true")
    _runs(sub)
    follow = sub.add_parser("follow", help="follow a run live until it ends")
    follow.add_argument("execution_id")
    follow.add_argument("--timeout", type=float, default=None)
    follow.add_argument("--interval", type=float, default=2.0)
    report = sub.add_parser("report", help="print a run's report")
    report.add_argument("execution_id")
    report.add_argument("--format", choices=["text", "json", "csv"], default="text")
    plan_files.add_commands(sub)
    return root


def _run_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("plan", help="the plan's id or name")
    command.add_argument("--no-follow", action="store_true", help="print the execution id and return")
    command.add_argument(
        "--timeout", type=float, default=None, help="give up following after this many seconds"
    )
    command.add_argument("--interval", type=float, default=2.0, help="seconds between progress polls")


def _runs(sub: Any) -> None:
    """``drill``, ``recovery``, ``failback``, ``reprotect`` and ``failback-cleanup``."""
    point_in_time = "launch from each server's latest snapshot at or before this instant (ISO-8601 UTC)"
    drill = sub.add_parser("drill", help="start a drill of a plan (id or name) and follow it")
    _run_options(drill)
    drill.add_argument("--point-in-time", help=point_in_time)
    recovery = sub.add_parser("recovery", help="start a real recovery of a plan and follow it (Admin)")
    _run_options(recovery)
    recovery.add_argument("--point-in-time", help=point_in_time)
    recovery.add_argument("--confirm", required=True, help="the plan's name, typed again")
    failback = sub.add_parser(
        "failback", help="fail back what a finished recovery of the plan brought up, and follow it (Admin)"
    )
    _run_options(failback)
    failback.add_argument("--source-execution", required=True, help="the RECOVERY run to fail back")
    failback.add_argument("--confirm", required=True, help="the plan's name, typed again")
    for name, text in (
        ("reprotect", "after a failback, protect its servers again in the original direction (Admin)"),
        ("failback-cleanup", "after a failback, stop failback and disconnect its recovery instances (Admin)"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("execution_id", help="the FAILBACK run")
        command.add_argument("--json", action="store_true")


def _start(api: ApiClient, args: argparse.Namespace) -> int:
    plan = commands.resolve_plan(api, args.plan)
    mode = args.command.upper()
    if mode != "DRILL" and args.confirm != plan.get("name"):
        raise LookupError(f"--confirm must repeat the plan's name ({plan.get('name')!r})")
    execution_id = commands.start_run(
        api,
        plan,
        mode,
        point_in_time=getattr(args, "point_in_time", None),
        source_execution_id=getattr(args, "source_execution", None),
    )
    _out(f"started {execution_id}")
    return EXIT_OK if args.no_follow else _finish(api, execution_id, args)


def _server_operation(api: ApiClient, args: argparse.Namespace) -> int:
    results = commands.server_results(api, args.execution_id, args.command)
    _out(commands.as_json(results) if args.json else commands.format_server_results(results))
    return EXIT_RUN_FAILED if any(result["status"] == "FAILED" for result in results) else EXIT_OK


def _token(args: argparse.Namespace, target: Target) -> str:
    if os.environ.get("DRS_TOKEN") and args.command != "signin":
        return os.environ["DRS_TOKEN"]
    username = args.username or os.environ.get("DRS_USERNAME")
    password = args.password or os.environ.get("DRS_PASSWORD")
    if not username and target.default_user:
        username, password = target.default_user
    if not username or not password:
        raise SignInError("give --username and --password (or DRS_USERNAME and DRS_PASSWORD)")
    return sign_in(target, username, password, flow=args.auth_flow)


def _finish(api: ApiClient, execution_id: str, args: argparse.Namespace) -> int:
    final = commands.follow(api, execution_id, sys.stdout, interval=args.interval, timeout=args.timeout)
    _out(commands.format_report(commands.full_report(api, execution_id)))
    return EXIT_OK if final["status"] == "SUCCEEDED" else EXIT_RUN_FAILED


def run(args: argparse.Namespace) -> int:
    flags: dict[str, Any] = {
        key: getattr(args, key)
        for key in ("console", "endpoints", "api_url", "region", "user_pool_id", "user_pool_client_id")
    }
    flags["cognito_endpoint"] = args.cognito_endpoint
    target = resolve_target(flags)
    token = _token(args, target)
    if args.command == "signin":
        _out(token)
        return EXIT_OK
    api = ApiClient(target.api_url, token)
    handled = plan_files.run_command(api, args, _out)
    if handled is not None:
        return handled
    if args.command == "plans":
        plans = commands.list_plans(api)
        if args.json:
            _out(commands.as_json(plans))
        for plan in [] if args.json else plans:
            _out(f"{plan['id']}  {plan['name']}  ({len(plan.get('waves') or [])} waves)")
        return EXIT_OK
    if args.command in ("drill", "recovery", "failback"):
        return _start(api, args)
    if args.command in ("reprotect", "failback-cleanup"):
        return _server_operation(api, args)
    if args.command == "follow":
        return _finish(api, args.execution_id, args)
    if args.format == "csv":
        _out(api.request("GET", f"/executions/{args.execution_id}/report", accept="text/csv"), end="")
    else:
        report = commands.full_report(api, args.execution_id)
        _out(commands.as_json(report) if args.format == "json" else commands.format_report(report))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except (TargetError, SignInError, LookupError, TimeoutError) as error:
        _out(f"error: {error}", error=True)
    except ApiError as error:
        _out(f"error: {error}", error=True)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
