"""The post-launch health-check SSM document: validated offline, and its Linux script run for real."""

import json
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws

DOCUMENT = Path(__file__).resolve().parents[3] / "ssm-documents" / "post-launch-health-check.yaml"
REFERENCE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text())
    return loaded


def _step(document: dict[str, Any], platform: str) -> dict[str, Any]:
    steps = [
        s for s in document["mainSteps"] if s["precondition"]["StringEquals"] == ["platformType", platform]
    ]
    assert len(steps) == 1, f"exactly one step for {platform}"
    step: dict[str, Any] = steps[0]
    return step


def test_document_is_a_command_document_of_schema_2_2(document: dict[str, Any]) -> None:
    assert document["schemaVersion"] == "2.2"
    assert document["description"]


def test_both_platforms_are_covered_with_their_own_interpreter(document: dict[str, Any]) -> None:
    assert _step(document, "Linux")["action"] == "aws:runShellScript"
    assert _step(document, "Windows")["action"] == "aws:runPowerShellScript"


def test_every_referenced_parameter_is_declared_and_every_parameter_is_used_on_both_platforms(
    document: dict[str, Any],
) -> None:
    declared = set(document["parameters"])
    for platform in ("Linux", "Windows"):
        script = "\n".join(_step(document, platform)["inputs"]["runCommand"])
        referenced = set(REFERENCE.findall(script))
        assert referenced <= declared, f"{platform} references undeclared {referenced - declared}"
        assert referenced == declared, f"{platform} ignores {declared - referenced}"


def test_every_default_matches_its_own_allowed_pattern(document: dict[str, Any]) -> None:
    for name, spec in document["parameters"].items():
        assert spec["type"] == "String", name
        if "allowedPattern" in spec:
            assert re.fullmatch(spec["allowedPattern"], spec["default"]), name


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("requiredServices", "sshd,nginx", True),
        ("requiredServices", "sshd; rm -rf /", False),
        ("tcpEndpoints", "db.internal:5432,10.0.0.5:443", True),
        ("tcpEndpoints", "db.internal", False),
        ("requiredProcesses", "$(reboot)", False),
        ("minFreeDiskPercent", "100", False),
    ],
)
def test_allowed_patterns_keep_shell_syntax_out_of_list_parameters(
    document: dict[str, Any], name: str, value: str, allowed: bool
) -> None:
    assert bool(re.fullmatch(document["parameters"][name]["allowedPattern"], value)) is allowed


def test_document_is_accepted_by_ssm_create_document(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        created = ssm.create_document(
            Content=DOCUMENT.read_text(), Name="health", DocumentType="Command", DocumentFormat="YAML"
        )
        assert created["DocumentDescription"]["Status"] == "Active"
        names = {p["Name"] for p in created["DocumentDescription"]["Parameters"]}
        assert "tcpEndpoints" in names


def _render(document: dict[str, Any], **overrides: str) -> str:
    values = {name: spec["default"] for name, spec in document["parameters"].items()} | overrides
    for name, value in values.items():
        pattern = document["parameters"][name].get("allowedPattern")
        assert pattern is None or re.fullmatch(pattern, value), f"{name}={value!r} would be refused by SSM"
    script = "\n".join(_step(document, "Linux")["inputs"]["runCommand"])
    return REFERENCE.sub(lambda m: values[m.group(1)], script)


def _run(script: str) -> tuple[int, list[dict[str, str]]]:
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, results


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@pytest.fixture
def running_process() -> Iterator[str]:
    process = subprocess.Popen(["sleep", "60"])
    try:
        yield "sleep"
    finally:
        process.kill()
        process.wait()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_linux_script_passes_every_check_when_the_instance_is_healthy(
    document: dict[str, Any], listening_port: int, running_process: str
) -> None:
    script = _render(
        document,
        minFreeDiskPercent="0",
        osReadyTimeoutSeconds="5",
        requiredProcesses=running_process,
        tcpEndpoints=f"127.0.0.1:{listening_port}",
        customCommands="true\necho ready",
    )
    code, results = _run(script)
    assert code == 0, results
    checks = [(r["check"], r["status"]) for r in results]
    assert checks == [
        ("os_ready", "PASS"),
        ("process", "PASS"),
        ("tcp", "PASS"),
        ("custom", "PASS"),
        ("custom", "PASS"),
    ]
    assert results[-1]["detail"] == "ready"


def test_linux_script_reports_each_failed_check_and_exits_non_zero(
    document: dict[str, Any], listening_port: int
) -> None:
    closed = _closed_port()
    script = _render(
        document,
        minFreeDiskPercent="0",
        osReadyTimeoutSeconds="5",
        requiredProcesses="no-such-process-xyz",
        tcpEndpoints=f"127.0.0.1:{listening_port},127.0.0.1:{closed}",
        tcpTimeoutSeconds="2",
        customCommands='echo "quoted \\"output\\""; exit 3',
    )
    code, results = _run(script)
    assert code == 1
    by_target = {(r["check"], r["target"]): r for r in results}
    assert by_target[("process", "no-such-process-xyz")]["status"] == "FAIL"
    assert by_target[("tcp", f"127.0.0.1:{listening_port}")]["status"] == "PASS"
    assert by_target[("tcp", f"127.0.0.1:{closed}")]["status"] == "FAIL"
    custom = next(r for r in results if r["check"] == "custom")
    assert custom["status"] == "FAIL"
    assert custom["detail"].startswith("exit 3")


def test_linux_script_checks_free_disk_on_local_file_systems(document: dict[str, Any]) -> None:
    code, results = _run(_render(document, minFreeDiskPercent="1", osReadyTimeoutSeconds="5"))
    disks = [r for r in results if r["check"] == "free_disk"]
    assert disks, results
    assert all(r["detail"].endswith("% free") or "need" in r["detail"] for r in disks)
    assert code == (0 if all(r["status"] == "PASS" for r in disks) else 1)
