"""The DRS gateway: the real boto3 ``drs`` client, one per target account and Region.

Every listing follows DRS's pagination to the end (never capped). Another account is reached by
assuming its registered role with its ExternalId; sessions and clients are cached by the factory.
An endpoint override points the same client at the local DRS simulator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from drs_orchestration.adapters.aws_clients import DEFAULT_SESSION_NAME
from drs_orchestration.adapters.target_accounts import TargetAccounts
from drs_orchestration.domain.errors import DrsLaunchRefused, DrsRequestRefused
from drs_orchestration.domain.models.drs import (
    DrsJob,
    DrsTarget,
    JobLogItem,
    LastLaunch,
    ParticipatingServer,
    RecoveryInstance,
    RecoverySnapshot,
    ServerOrigin,
    SourceServer,
)
from drs_orchestration.domain.ports import AccountRepository

if TYPE_CHECKING:
    from mypy_boto3_drs import DrsClient

__all__ = [
    "LAUNCH_CONFIGURATION_WORKERS",
    "BotoDrsGateway",
    "BotoDrsGatewayFactory",
    "parse_duration_seconds",
]

LAUNCH_CONFIGURATION_WORKERS = 8
"""GetLaunchConfiguration calls in flight at once for one account and Region: fewer than botocore's 10
pooled connections per client, and few enough that DRS's read throttle (not published; token buckets
per account and Region) is met with the client's standard retries rather than a burst of refusals."""

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
_FILTER_CHUNK = 200
_SOURCE_SERVER_PAGE = 1000
"""DescribeSourceServers' page: its model sets no maximum; 1,000 is what DRS's paged listings allow
elsewhere, so 4,000 servers (the per account and Region quota) are four calls."""
_SNAPSHOT_PAGES = 5
"""How many pages a snapshot look-up follows when DRS answers a page with no item but a token."""
_NO_ROOM = frozenset({"ServiceQuotaExceededException", "ConflictException"})
"""StartRecovery refusals that create no job and pass once room is made: the launch is retried later."""
_REFUSED = frozenset(
    {"ConflictException", "ResourceNotFoundException", "ValidationException", "AccessDeniedException"}
)
"""Refusals of a request about one resource that no retry changes."""


def parse_duration_seconds(value: str | None) -> int | None:
    """ISO-8601 duration (``PT5M12S``) -> whole seconds; ``None`` when absent or unreadable."""
    if not value:
        return None
    match = _DURATION.match(value)
    if not match:
        return None
    parts = {key: float(amount) for key, amount in match.groupdict().items() if amount}
    return int(
        parts.get("days", 0) * 86400
        + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )


def _timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _source_server(raw: Mapping[str, Any]) -> SourceServer:
    replication = raw.get("dataReplicationInfo") or {}
    life_cycle = raw.get("lifeCycle") or {}
    last = life_cycle.get("lastLaunch") or {}
    initiated = last.get("initiated") or {}
    hints = (raw.get("sourceProperties") or {}).get("identificationHints") or {}
    cloud = raw.get("sourceCloudProperties") or {}
    return SourceServer(
        source_server_id=raw["sourceServerID"],
        hostname=hints.get("hostname") or hints.get("fqdn"),
        tags=dict(raw.get("tags") or {}),
        replication_state=replication.get("dataReplicationState"),
        lag_seconds=parse_duration_seconds(replication.get("lagDuration")),
        last_launch=(
            LastLaunch(
                launch_type=initiated["type"],
                status=last.get("status"),
                job_id=initiated.get("jobID"),
                initiated_at=_timestamp(initiated.get("apiCallDateTime")),
            )
            if initiated.get("type")
            else None
        ),
        recovery_instance_id=raw.get("recoveryInstanceId"),
        last_seen_at=_timestamp(life_cycle.get("lastSeenByServiceDateTime")),
        origin=ServerOrigin.AWS if cloud.get("originRegion") else ServerOrigin.ON_PREMISES,
        origin_account_id=cloud.get("originAccountID"),
        origin_region=cloud.get("originRegion"),
        reversed_direction_source_server_arn=raw.get("reversedDirectionSourceServerArn"),
    )


def _job(raw: Mapping[str, Any]) -> DrsJob:
    initiated_by = raw.get("initiatedBy")
    return DrsJob(
        job_id=raw["jobID"],
        type=raw.get("type", "LAUNCH"),
        status=raw["status"],
        is_drill=True
        if initiated_by == "START_DRILL"
        else False
        if initiated_by == "START_RECOVERY"
        else None,
        created_at=_timestamp(raw.get("creationDateTime")),
        ended_at=_timestamp(raw.get("endDateTime")),
        participating_servers=[
            ParticipatingServer(
                source_server_id=server["sourceServerID"],
                launch_status=server.get("launchStatus"),
                recovery_instance_id=server.get("recoveryInstanceID"),
            )
            for server in raw.get("participatingServers", [])
        ],
        tags=dict(raw.get("tags") or {}),
    )


def _launch_template_present(ask: Callable[[], Mapping[str, Any]]) -> bool | None:
    """Whether the launch configuration ``ask`` reads names a launch template (none when DRS has none);
    ``None`` when DRS kept throttling the call."""
    try:
        configuration = ask()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code == "ThrottlingException":
            return None
        if code != "ResourceNotFoundException":
            raise
        return False
    return bool(configuration.get("ec2LaunchTemplateID"))


@contextmanager
def _refusals(codes: Collection[str], refused: type[DrsLaunchRefused | DrsRequestRefused]) -> Iterator[None]:
    """Turns a DRS error whose code is one of ``codes`` into ``refused``; any other error passes."""
    try:
        yield
    except ClientError as error:
        details = error.response.get("Error", {})
        code = details.get("Code", "")
        if code not in codes:
            raise
        raise refused(code, details.get("Message") or code) from error


def _snapshot(source_server_id: str, raw: Mapping[str, Any]) -> RecoverySnapshot | None:
    taken = _timestamp(raw.get("timestamp"))
    if taken is None or not raw.get("snapshotID"):
        return None
    return RecoverySnapshot(
        snapshot_id=raw["snapshotID"],
        source_server_id=source_server_id,
        taken_at=taken,
        expected_at=_timestamp(raw.get("expectedTimestamp")),
    )


def _iso(moment: datetime) -> str:
    """DescribeJobs' date filter: ISO 8601 in UTC to the second (a naive time is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _chunks(items: Sequence[str], size: int = _FILTER_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class BotoDrsGateway:
    """DRS in one account and Region."""

    def __init__(self, client: DrsClient) -> None:
        self.client = client

    def list_source_servers(self) -> list[SourceServer]:
        pages = self.client.get_paginator("describe_source_servers").paginate(
            filters={}, PaginationConfig={"PageSize": _SOURCE_SERVER_PAGE}
        )
        return [_source_server(item) for page in pages for item in page.get("items", [])]

    def launch_configuration_present(self, source_server_ids: Sequence[str]) -> dict[str, bool]:
        """One GetLaunchConfiguration per server (DRS has no batch form), at most
        ``LAUNCH_CONFIGURATION_WORKERS`` in flight at once. A server DRS still throttled after the
        client's retries is left out (its launch configuration is unknown, which readiness reports
        as a warning) rather than failing the whole check."""
        ids = list(dict.fromkeys(source_server_ids))
        if not ids:
            return {}
        with ThreadPoolExecutor(max_workers=min(LAUNCH_CONFIGURATION_WORKERS, len(ids))) as pool:
            found = pool.map(
                lambda server_id: _launch_template_present(
                    lambda: self.client.get_launch_configuration(sourceServerID=server_id)
                ),
                ids,
            )
            return {
                server_id: present
                for server_id, present in zip(ids, found, strict=True)
                if present is not None
            }

    def start_recovery(
        self,
        source_server_ids: Sequence[str],
        *,
        is_drill: bool,
        tags: dict[str, str],
        recovery_snapshots: Mapping[str, str] | None = None,
    ) -> DrsJob:
        snapshots = recovery_snapshots or {}
        with _refusals(_NO_ROOM, DrsLaunchRefused):
            response = self.client.start_recovery(
                sourceServers=[
                    {"sourceServerID": server_id, "recoverySnapshotID": snapshots[server_id]}
                    if server_id in snapshots
                    else {"sourceServerID": server_id}
                    for server_id in source_server_ids
                ],
                isDrill=is_drill,
                tags=tags,
            )
        return _job(response["job"])

    def latest_recovery_snapshot(
        self, source_server_id: str, *, at_or_before: datetime
    ) -> RecoverySnapshot | None:
        # Newest first, one item, up to the instant: one call, unless DRS's date filter let a later
        # snapshot through (then the next, older, page).
        token: str | None = None
        for _ in range(_SNAPSHOT_PAGES):
            page = self.client.describe_recovery_snapshots(
                sourceServerID=source_server_id,
                filters={"toDateTime": _iso(at_or_before)},
                order="DESC",
                maxResults=1,
                **({"nextToken": token} if token else {}),
            )
            for item in page.get("items", []):
                snapshot = _snapshot(source_server_id, item)
                if snapshot is not None and snapshot.taken_at <= at_or_before:
                    return snapshot
            token = page.get("nextToken")
            if not token:
                return None
        return None

    def _jobs(self, filters: Mapping[str, Any]) -> list[DrsJob]:
        pages = self.client.get_paginator("describe_jobs").paginate(filters=dict(filters))  # type: ignore[arg-type]
        return [_job(item) for page in pages for item in page.get("items", [])]

    def describe_jobs(self, job_ids: Sequence[str]) -> list[DrsJob]:
        return [job for chunk in _chunks(job_ids, 1000) for job in self._jobs({"jobIDs": chunk})]

    def find_jobs_by_tag(
        self, key: str, values: Collection[str], *, since: datetime
    ) -> dict[str, list[DrsJob]]:
        # DescribeJobs filters by job id and date only: one scan of the period's jobs, indexed by the tag.
        wanted = set(values)
        found: dict[str, list[DrsJob]] = {}
        if not wanted:
            return found
        for job in self._jobs({"fromDate": _iso(since)}):
            value = job.tags.get(key)
            if value in wanted:
                found.setdefault(value, []).append(job)
        return found

    def list_active_jobs(self, *, since: datetime) -> list[DrsJob]:
        return [job for job in self._jobs({"fromDate": _iso(since)}) if job.is_active]

    def describe_job_log_items(self, job_id: str) -> list[JobLogItem]:
        pages = self.client.get_paginator("describe_job_log_items").paginate(jobID=job_id)
        items: list[JobLogItem] = []
        for page in pages:
            for item in page.get("items", []):
                data = dict(item.get("eventData") or {})
                items.append(
                    JobLogItem(
                        job_id=job_id,
                        event=item.get("event", "UNKNOWN"),
                        at=_timestamp(item.get("logDateTime")),
                        source_server_id=data.pop("sourceServerID", None),
                        details={
                            key: str(value) for key, value in data.items() if not isinstance(value, dict)
                        },
                    )
                )
        return items

    def list_recovery_instances(
        self, source_server_ids: Sequence[str] | None = None
    ) -> list[RecoveryInstance]:
        paginator = self.client.get_paginator("describe_recovery_instances")
        filters = (
            [{"sourceServerIDs": chunk} for chunk in _chunks(source_server_ids)]
            if source_server_ids
            else [{}]
        )
        instances: list[RecoveryInstance] = []
        for selected in filters:
            for page in paginator.paginate(filters=selected):  # type: ignore[arg-type]
                instances += [
                    RecoveryInstance(
                        recovery_instance_id=item["recoveryInstanceID"],
                        source_server_id=item["sourceServerID"],
                        ec2_instance_id=item.get("ec2InstanceID"),
                        ec2_instance_state=item.get("ec2InstanceState"),
                        is_drill=bool(item.get("isDrill")),
                        job_id=item.get("jobID"),
                        launched_at=_timestamp(item.get("pointInTimeSnapshotDateTime")),
                        failback_state=(item.get("failback") or {}).get("state"),
                    )
                    for item in page.get("items", [])
                ]
        return instances

    def terminate_recovery_instances(self, recovery_instance_ids: Sequence[str]) -> DrsJob:
        response = self.client.terminate_recovery_instances(recoveryInstanceIDs=list(recovery_instance_ids))
        return _job(response["job"])

    def describe_source_servers(self, source_server_ids: Sequence[str]) -> list[SourceServer]:
        paginator = self.client.get_paginator("describe_source_servers")
        return [
            _source_server(item)
            for chunk in _chunks(list(dict.fromkeys(source_server_ids)))
            for page in paginator.paginate(filters={"sourceServerIDs": chunk})
            for item in page.get("items", [])
        ]

    def start_failback_launch(self, recovery_instance_ids: Sequence[str], *, tags: dict[str, str]) -> DrsJob:
        with _refusals(_NO_ROOM, DrsLaunchRefused):
            response = self.client.start_failback_launch(
                recoveryInstanceIDs=list(recovery_instance_ids), tags=tags
            )
        return _job(response["job"])

    def reverse_replication(self, recovery_instance_id: str) -> str:
        with _refusals(_REFUSED, DrsRequestRefused):
            response = self.client.reverse_replication(recoveryInstanceID=recovery_instance_id)
        return str(response["reversedDirectionSourceServerArn"])


class BotoDrsGatewayFactory:
    """A gateway per target, reached by the ``TargetAccounts`` rule (home directly, others via their role)."""

    def __init__(
        self,
        accounts: AccountRepository,
        *,
        home_account_id: str,
        endpoint_url: str | None = None,
        sts_endpoint_url: str | None = None,
        session_name: str = DEFAULT_SESSION_NAME,
    ) -> None:
        self.targets = TargetAccounts(
            accounts,
            home_account_id=home_account_id,
            sts_endpoint_url=sts_endpoint_url,
            session_name=session_name,
        )
        self.endpoint_url = endpoint_url

    def for_target(self, target: DrsTarget) -> BotoDrsGateway:
        client: DrsClient = self.targets.client("drs", target, self.endpoint_url)
        return BotoDrsGateway(client)
