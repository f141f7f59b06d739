"""What the post-launch health-check document prints on an instance, without running it.

The document's script (``ssm-documents/post-launch-health-check.yaml``) cannot run on a moto instance,
so we produce the lines it would print: one compact JSON object per check,
``{"check", "target", "status": "PASS"|"FAIL", "detail"}``, in the script's order (operating system
ready, free disk, services, processes, TCP endpoints, custom commands), and its exit code (1 when any
check fails). Which checks fail is given as ``check`` (every target) or ``check:target``
(``"service:nginx"``, ``"tcp:db.internal:5432"``, ``"free_disk"``).

A document is taken for the health check when it declares the health check's own parameters.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any, Literal

Platform = Literal["Linux", "Windows"]

HEALTH_CHECK_PARAMETERS = frozenset(
    {"osReadyTimeoutSeconds", "minFreeDiskPercent", "requiredServices", "requiredProcesses", "tcpEndpoints"}
)
HEALTHY_FREE_PERCENT = 42


def is_health_check_document(declared_parameters: Collection[str]) -> bool:
    return set(declared_parameters) >= HEALTH_CHECK_PARAMETERS


def _values(declared: Mapping[str, Any], given: Mapping[str, list[str]]) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in declared.items() if isinstance(spec, dict)}
    values.update({name: "\n".join(given_values) for name, given_values in given.items()})
    return values


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def render(
    declared: Mapping[str, Any],
    given: Mapping[str, list[str]],
    platform: Platform,
    failing: Collection[str],
) -> tuple[str, int]:
    """The standard output and exit code of the health check with these parameters on ``platform``."""
    values = _values(declared, given)
    lines: list[dict[str, str]] = []

    def result(check: str, target: str, passed: str, failed: str) -> None:
        fails = check in failing or f"{check}:{target}" in failing
        detail = failed if fails else passed
        lines.append(
            {"check": check, "target": target, "status": "FAIL" if fails else "PASS", "detail": detail}
        )

    windows = platform == "Windows"
    os_wait = values.get("osReadyTimeoutSeconds", "300")
    result(
        "os_ready",
        "system",
        "uptime 95 s" if windows else "systemd state running",
        "services still starting: Netlogon" if windows else f"systemd state starting after {os_wait} s",
    )
    minimum = int(values.get("minFreeDiskPercent", "10") or 0)
    if minimum > 0:
        low = max(0, minimum - 5)
        result(
            "free_disk",
            "C:" if windows else "/",
            f"{HEALTHY_FREE_PERCENT}% free",
            f"{low}% free" if windows else f"{low}% free, need {minimum}%",
        )
    for service in _split(values.get("requiredServices", "")):
        result(
            "service",
            service,
            "Running" if windows else "active",
            "Stopped" if windows else "not active",
        )
    for process in _split(values.get("requiredProcesses", "")):
        result("process", process, "running", "not running")
    tcp_wait = values.get("tcpTimeoutSeconds", "5")
    for endpoint in _split(values.get("tcpEndpoints", "")):
        result("tcp", endpoint, "connected", f"no connection within {tcp_wait} s")
    for command in values.get("customCommands", "").splitlines():
        if command.strip():
            result("custom", command, "", "exit 1: ")
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    return text, int(any(line["status"] == "FAIL" for line in lines))
