"""The scale run's plan: servers over 2 accounts x 2 Regions, 12 waves with parallel branches, a
health gate on every wave, an SSM Automation pre-action and a Run Command post-action on some waves,
another run of ours in one account and an outside launch taking quota mid-run.

Shared by ``tests/integration/engine/test_scale_targets.py`` (600 servers) and ``bench/scale`` (4,000).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drs_local.ssm_emulation import AutomationOutcome
from drs_simulator.fleet import ServerFixture
from tests.integration.engine.harness import ACCOUNT, HEALTH_CHECK_DOCUMENT, TRUST, Engine, in_account

RECOVERY_ACCOUNT = "777788889999"
ACCOUNTS = (ACCOUNT, RECOVERY_ACCOUNT)
REGIONS = ("us-east-1", "us-west-2")
TARGETS: tuple[tuple[str, str], ...] = tuple((a, r) for a in ACCOUNTS for r in REGIONS)
#: Past this many servers in one account and Region, servers replicate in a staging account (DRS's
#: quota is 300 replicating servers per account and Region).
LOCAL_SERVERS = 250
PRE_AUTOMATION = "AWS-PrepareNetwork"
AUTOMATION_SECONDS = 120.0

# 12 waves in 7 layers: w01 -> (w02, w03) -> (w04, w05, w06) -> (w07, w08) -> (w09, w10) -> w11 -> w12
DAG: dict[str, list[str]] = {
    "w01": [],
    "w02": ["w01"],
    "w03": ["w01"],
    "w04": ["w02"],
    "w05": ["w02", "w03"],
    "w06": ["w03"],
    "w07": ["w04", "w05"],
    "w08": ["w06"],
    "w09": ["w07"],
    "w10": ["w08"],
    "w11": ["w09", "w10"],
    "w12": ["w11"],
}
PRE_ACTION_WAVES = frozenset({"w01", "w07"})
POST_ACTION_WAVES = frozenset({"w04", "w11"})


def target_server(target: int, n: int) -> str:
    return f"s-{target + 1:02d}{n:015d}"


def _staging(account: str, n: int) -> str | None:
    return None if n < LOCAL_SERVERS else str(int(account) + 1 + n // LOCAL_SERVERS).zfill(12)


def target_fleet(per_target: int, extra: int) -> list[ServerFixture]:
    """``per_target`` servers for the plan in each target, then ``extra`` more in each (for the other run
    and the outside launch)."""
    return [
        ServerFixture(
            hostname=f"t{t + 1}-host-{n:04d}",
            source_server_id=target_server(t, n),
            account_id=account,
            region=region,
            tags={"Tier": "app"},
            staging_account=_staging(account, n),
        )
        for t, (account, region) in enumerate(TARGETS)
        for n in range(per_target + extra)
    ]


@dataclass
class ScaleRun:
    plan_id: str
    other_plan_id: str
    per_target: int
    outside: list[str]


def _wave_members(per_target: int) -> dict[str, list[range]]:
    """Per wave, the range of server numbers it holds in each target."""
    size = per_target // len(DAG)
    members: dict[str, list[range]] = defaultdict(list)
    for index, wave_id in enumerate(DAG):
        end = per_target if index == len(DAG) - 1 else (index + 1) * size
        members[wave_id] = [range(index * size, end)] * len(TARGETS)
    return members


def _group(engine: Engine, name: str, target: int, servers: list[str]) -> str:
    account, region = TARGETS[target]
    body = {"name": name, "accountId": account, "region": region, "sourceServerIds": servers}
    response = engine.api.post("/protection-groups", body)
    assert response.status == 201, response.text
    return str(response.json["id"])


def _wave(engine: Engine, wave_id: str, numbers: list[range]) -> dict[str, Any]:
    groups = [
        _group(engine, f"{wave_id}-t{t + 1}", t, [target_server(t, n) for n in numbers[t]])
        for t in range(len(TARGETS))
    ]
    wave: dict[str, Any] = {
        "id": wave_id,
        "name": wave_id.upper(),
        "protectionGroupIds": groups,
        "dependsOn": [{"waveId": d, "condition": "HEALTHY"} for d in DAG[wave_id]],
        "healthCheck": {"documentName": HEALTH_CHECK_DOCUMENT, "timeoutSeconds": 1800},
        "timeoutMinutes": 240,
    }
    if wave_id in PRE_ACTION_WAVES:
        wave["preActions"] = [
            {"type": "SSM_AUTOMATION", "name": "prepare-network", "documentName": PRE_AUTOMATION}
        ]
    if wave_id in POST_ACTION_WAVES:
        wave["postActions"] = [
            {"type": "SSM_RUN_COMMAND", "name": "smoke", "documentName": HEALTH_CHECK_DOCUMENT}
        ]
    return wave


def register_recovery_account(engine: Engine) -> None:
    """The second account as an operator registers it: its target role, both Regions, no document."""
    role_arn = in_account(RECOVERY_ACCOUNT, "iam").create_role(
        RoleName="drs-orchestration-target",
        Path="/drs-orchestration/",
        AssumeRolePolicyDocument=json.dumps(TRUST),
    )["Role"]["Arn"]
    body = {
        "accountId": RECOVERY_ACCOUNT,
        "name": "recovery",
        "roleArn": role_arn,
        "externalId": "recovery-external-id-0001",
        "regions": list(REGIONS),
    }
    response = engine.api.post("/accounts", body)
    assert response.status == 201, response.text


def build(engine: Engine, per_target: int, *, other: int, outside: int) -> ScaleRun:
    """Register the second account, and create the plan and the other run's plan (``other`` servers in the
    home account's first Region); ``outside`` servers there are left for a launch outside the product."""
    register_recovery_account(engine)
    engine.automation.set_outcome(PRE_AUTOMATION, AutomationOutcome(duration_seconds=AUTOMATION_SECONDS))
    members = _wave_members(per_target)
    waves = [_wave(engine, wave_id, members[wave_id]) for wave_id in DAG]
    plan_id = engine.plan(waves, name=f"scale-{per_target * len(TARGETS)}")
    other_servers = [target_server(0, per_target + n) for n in range(other)]
    other_wave = {
        "id": "other",
        "name": "Other",
        "protectionGroupIds": [_group(engine, "other", 0, other_servers)],
        "healthCheck": None,
        "timeoutMinutes": 240,
    }
    other_plan = engine.plan([other_wave], name="other-run")
    outside_servers = [target_server(0, per_target + other + n) for n in range(outside)]
    return ScaleRun(plan_id, other_plan, per_target, outside_servers)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def launch_jobs(engine: Engine) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every LAUNCH job DRS holds, per target."""
    jobs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for account, region in TARGETS:
        client = engine.drs.drs_client(region=region, account_id=account)
        pages = client.get_paginator("describe_jobs").paginate(filters={})
        jobs[(account, region)] = [j for p in pages for j in p["items"] if j["type"] == "LAUNCH"]
    return jobs


def quota_maxima(jobs: list[dict[str, Any]]) -> dict[str, int]:
    """The largest job, and the most active jobs and servers in active jobs at any moment."""
    moments: list[tuple[datetime, int, int]] = []
    for job in jobs:
        size = len(job["participatingServers"])
        moments.append((_at(job["creationDateTime"]), 1, size))
        if job.get("endDateTime"):
            moments.append((_at(job["endDateTime"]), -1, -size))
    active = servers = most_jobs = most_servers = 0
    for _, jobs_delta, servers_delta in sorted(moments, key=lambda m: (m[0], m[1])):  # ends first
        active, servers = active + jobs_delta, servers + servers_delta
        most_jobs, most_servers = max(most_jobs, active), max(most_servers, servers)
    largest = max((len(j["participatingServers"]) for j in jobs), default=0)
    return {"largestJob": largest, "activeJobsMax": most_jobs, "activeServersMax": most_servers}


def ideal_seconds(
    execution: dict[str, Any],
    jobs: list[dict[str, Any]],
    gates: dict[str, float],
    booted: dict[str, datetime],
) -> float:
    """The critical path: per wave, its first job's creation to its last job's end or its last instance's
    boot (``booted``: recovery instance id -> when its OS came up), plus its gates' own durations
    (``gates``: seconds per wave), chained through the DAG."""
    span: dict[str, tuple[datetime, datetime]] = {}
    wave_of = {s["jobId"]: w["id"] for w in execution["waves"] for s in w["servers"] if s.get("jobId")}
    for job in jobs:
        wave_id = wave_of.get(job["jobID"])
        boots = [
            booted[i] for s in job["participatingServers"] if (i := s.get("recoveryInstanceID")) in booted
        ]
        if wave_id is not None and boots:
            job["endDateTime"] = max([_at(job["endDateTime"]), *boots]).isoformat()
    for job in jobs:
        wave_id = wave_of.get(job["jobID"])
        if wave_id is None:
            continue
        created, ended = _at(job["creationDateTime"]), _at(job["endDateTime"])
        low, high = span.get(wave_id, (created, ended))
        span[wave_id] = (min(low, created), max(high, ended))
    finish: dict[str, float] = {}
    for wave_id, deps in DAG.items():
        duration = (span[wave_id][1] - span[wave_id][0]).total_seconds() + gates.get(wave_id, 0.0)
        finish[wave_id] = max((finish[d] for d in deps), default=0.0) + duration
    return max(finish.values())
