"""``./deploy.sh --local`` end to end, the DR programme: a drill scheduled ``rate(1 hour)`` on the demo plan
fires on the simulated clock, runs as ``schedule:<id>`` to its end, and its evidence pack's digest is the
one in ``X-Content-SHA256`` and the one the audit trail recorded when the pack was produced."""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from typing import Any

from tests.e2e.local_mode import LocalMode, http

FIRING_LIMIT_SECONDS = 30.0  # an hour of simulated time is 6 s at the suite's time scale
DRILL_LIMIT_SECONDS = 120.0
FINISHED = {"SUCCEEDED", "PARTIAL", "FAILED", "CANCELLED"}


def _until(limit: float, what: str, read: Any) -> Any:
    """Call ``read`` every half second until it answers something, within ``limit`` real seconds."""
    deadline = time.monotonic() + limit
    while True:
        found = read()
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} not within {limit} s"
        time.sleep(0.5)


def _raw_get(url: str, token: str) -> tuple[int, bytes, dict[str, str]]:
    """A GET whose body is kept as the bytes sent (an HTML document), headers by lower-case name."""
    request = urllib.request.Request(url, headers={"Authorization": token})  # noqa: S310 - local endpoint
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310
            status, body, headers = reply.status, reply.read(), reply.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read(), error.headers
    return status, body, {name.lower(): value for name, value in headers.items()}


def _audit(api: str, execution_id: str, token: str) -> list[dict[str, Any]]:
    """The run's audit records through ``GET /audit``, every page."""
    records: list[dict[str, Any]] = []
    query = f"resourceId={execution_id}"
    while True:
        page = http("GET", f"{api}/audit?{query}", token=token)
        assert page.status == 200, page.body
        records += page.body["items"]
        if not page.body.get("nextToken"):
            return records
        query = f"resourceId={execution_id}&nextToken={page.body['nextToken']}"


def _packs(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records of the run's evidence packs being produced, oldest first."""
    produced = [record for record in records if record["action"] == "ProduceEvidencePack"]
    return sorted(produced, key=lambda record: str(record["at"]))


def test_scheduled_drill_runs_as_its_schedule_and_its_evidence_digest_matches_the_audit_when_run_locally(
    local_mode: LocalMode,
) -> None:
    endpoints = local_mode.endpoints
    config = http("GET", f"{endpoints['console']}/config.json").body
    api, plan_id = config["apiUrl"], endpoints["demoPlanId"]
    admin, viewer = (local_mode.sign_in(group, config) for group in ("Admin", "Viewer"))
    schedules = f"{api}/recovery-plans/{plan_id}/schedules"

    # Given an admin schedules the demo plan's drill every hour
    hourly = {"expression": "rate(1 hour)", "timezone": "UTC", "mode": "DRILL"}
    created = http("POST", schedules, hourly, admin)
    assert created.status == 201, created.body
    schedule = created.body
    assert schedule["enabled"] is True
    assert schedule["nextRunAt"] is not None

    # When the simulated clock reaches its first firing
    def fired() -> dict[str, Any] | None:
        read = http("GET", f"{schedules}/{schedule['id']}", token=viewer)
        assert read.status == 200, read.body
        last: dict[str, Any] | None = read.body["lastResult"]
        return last

    result = _until(FIRING_LIMIT_SECONDS, "the schedule's first firing", fired)
    # (once is enough: the schedule goes, so no later firing starts a second drill)
    gone = http("DELETE", f"{schedules}/{schedule['id']}?version={schedule['version']}", token=admin)
    assert gone.status == 204, gone.body

    # Then it started the drill, at the firing it was due for, as the schedule's principal
    assert result["error"] is None, result
    # (Scheduler's scheduled-time is to the second; the API's next run carries the anchor's fraction)
    assert result["scheduledFor"] == schedule["nextRunAt"][:19] + "Z"
    execution_id = result["executionId"]

    def finished() -> dict[str, Any] | None:
        read = http("GET", f"{api}/executions/{execution_id}", token=viewer)
        assert read.status == 200, read.body
        return dict(read.body) if read.body["status"] in FINISHED else None

    execution = _until(DRILL_LIMIT_SECONDS, f"the end of {execution_id}", finished)
    assert (execution["mode"], execution["startedBy"]) == ("DRILL", f"schedule:{schedule['id']}")
    # And the drill finished: every wave completed
    assert execution["status"] == "SUCCEEDED", execution
    assert {wave["status"] for wave in execution["waves"]} == {"COMPLETED"}

    # When a viewer fetches the run's evidence pack
    status, body, headers = _raw_get(f"{api}/executions/{execution_id}/evidence", viewer)

    # Then it is an HTML document whose SHA-256 is the one the response names
    assert status == 200, body[:2000]
    assert headers["content-type"].startswith("text/html")
    assert b"<html" in body.lower()
    digest = hashlib.sha256(body).hexdigest()
    assert headers["x-content-sha256"] == digest

    # And the audit trail holds the run's start by the schedule and the pack's production with that digest
    records = _audit(api, execution_id, viewer)
    (start,) = [record for record in records if record["action"] == "StartExecution"]
    assert start["actor"] == f"schedule:{schedule['id']}"
    (produced,) = _packs(records)
    assert produced["details"]["sha256"] == digest, produced
    edition = produced["details"]["key"]
    assert edition in {f"evidence/{execution_id}/before-cleanup.html", f"evidence/{execution_id}/final.html"}

    # And a second request serves the same stored pack, producing nothing new
    # (unless the drill's clean-up, 8 simulated hours on, came in between: then the final pack, audited too)
    again_status, again, again_headers = _raw_get(f"{api}/executions/{execution_id}/evidence", viewer)
    assert again_status == 200
    again_digest = hashlib.sha256(again).hexdigest()
    assert again_headers["x-content-sha256"] == again_digest
    packs = _packs(_audit(api, execution_id, viewer))
    if again_digest == digest:
        assert again == body
        assert packs == [produced]
    else:
        assert edition.endswith("/before-cleanup.html")
        assert [(p["details"]["sha256"], p["details"]["key"].rsplit("/", 1)[-1]) for p in packs] == [
            (digest, "before-cleanup.html"),
            (again_digest, "final.html"),
        ]
