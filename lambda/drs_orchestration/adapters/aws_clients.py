"""The one factory of boto3 clients: built lazily, cached, all with the same retry configuration,
each counting the calls it makes (``aws_calls``, read by the functions' metrics).

Nothing here runs at import time; boto3 itself is imported when the first client is built.
``client(service, region, ...)`` serves every service, in the function's own account or, given a role
ARN and ExternalId, in another account through that role; the assumed-role credentials refresh
themselves before they expire, so a cached session stays usable for the life of the container.
The typed helpers below are that same factory for one service each.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from drs_orchestration.adapters.aws_calls import count_call, count_items_read

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_stepfunctions import SFNClient
    from mypy_boto3_sts import STSClient

__all__ = [
    "DEFAULT_SESSION_NAME",
    "boto_config",
    "clear_client_cache",
    "client",
    "dynamodb_client",
    "s3_client",
    "stepfunctions_client",
    "sts_client",
]


@lru_cache(maxsize=1)
def boto_config() -> Config:
    """The one client configuration: standard retries."""
    from botocore.config import Config

    return Config(retries={"mode": "standard"})


@lru_cache(maxsize=1)
def _s3_config() -> Config:
    """S3 signs with Signature Version 4, presigned links included (SigV2 links are deprecated)."""
    from botocore.config import Config

    return boto_config().merge(Config(signature_version="s3v4"))


DEFAULT_SESSION_NAME = "drs-orchestration"
_ASSUMED_ROLE_SECONDS = 3600


@lru_cache(maxsize=128)
def client(
    service: str,
    region: str,
    *,
    endpoint_url: str | None = None,
    role_arn: str | None = None,
    external_id: str | None = None,
    session_name: str = DEFAULT_SESSION_NAME,
    sts_endpoint_url: str | None = None,
) -> Any:
    """``service`` in ``region``: the function's own account, or ``role_arn`` assumed with ``external_id``.

    The caller names the client's type (``ec2: EC2Client = aws_clients.client("ec2", ...)``).
    """
    import boto3

    if role_arn is None:
        session = boto3.session.Session()
    else:
        session = _assumed_role_session(role_arn, external_id or "", session_name, region, sts_endpoint_url)
    config = _s3_config() if service == "s3" else boto_config()
    made = session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)  # type: ignore[call-overload]  # the service name is a runtime value
    made.meta.events.register("before-parameter-build", count_call)
    made.meta.events.register("after-call.dynamodb", count_items_read)
    return made


def dynamodb_client(region: str, endpoint_url: str | None = None) -> DynamoDBClient:
    return cast("DynamoDBClient", client("dynamodb", region, endpoint_url=endpoint_url))


def s3_client(region: str, endpoint_url: str | None = None) -> S3Client:
    return cast("S3Client", client("s3", region, endpoint_url=endpoint_url))


def stepfunctions_client(region: str, endpoint_url: str | None = None) -> SFNClient:
    return cast("SFNClient", client("stepfunctions", region, endpoint_url=endpoint_url))


def sts_client(region: str, endpoint_url: str | None = None) -> STSClient:
    return cast("STSClient", client("sts", region, endpoint_url=endpoint_url))


@lru_cache(maxsize=64)
def _assumed_role_session(
    role_arn: str, external_id: str, session_name: str, region: str, sts_endpoint_url: str | None
) -> boto3.session.Session:
    import boto3
    import botocore.session
    from botocore.credentials import RefreshableCredentials

    sts = sts_client(region, sts_endpoint_url)

    def fetch() -> dict[str, Any]:
        response = sts.assume_role(
            RoleArn=role_arn,
            RoleSessionName=session_name,
            ExternalId=external_id,
            DurationSeconds=_ASSUMED_ROLE_SECONDS,
        )
        credentials = response["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    refreshable = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )
    core = botocore.session.get_session()
    core._credentials = refreshable  # type: ignore[attr-defined]  # botocore has no public setter for refreshable credentials
    return boto3.session.Session(botocore_session=core, region_name=region)


def clear_client_cache() -> None:
    """Forget every cached client and session (tests switch fake AWS environments)."""
    for cached in (client, _assumed_role_session):
        cached.cache_clear()
