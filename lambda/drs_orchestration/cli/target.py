"""Where the CLI talks to and how it signs in.

The target comes, first match wins, from flags, from environment variables (``DRS_API_URL``,
``DRS_REGION``, ``DRS_USER_POOL_ID``, ``DRS_USER_POOL_CLIENT_ID``, ``DRS_COGNITO_ENDPOINT``), from a
deployed console's ``/config.json`` (``--console URL`` / ``DRS_CONSOLE_URL``) or from local mode's
``endpoints.json`` (``--endpoints FILE``, else ``$DRS_LOCAL_DIR/endpoints.json``, else
``.local/endpoints.json``). Sign-in uses Cognito's SRP flow, or ``USER_PASSWORD_AUTH`` against a local
Cognito endpoint (what the console does there too); ``DRS_TOKEN`` skips sign-in.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from drs_orchestration.cli.srp import SrpSession

__all__ = ["SignInError", "Target", "TargetError", "resolve_target", "sign_in"]


class TargetError(Exception):
    """Not enough is known to reach the API."""


class SignInError(Exception):
    """Cognito refused the credentials or asked for something the CLI cannot answer."""


@dataclass(frozen=True)
class Target:
    api_url: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    cognito_endpoint: str | None = None
    default_user: tuple[str, str] | None = None
    """Local mode only: the demo admin, used when no user is given."""


def _read_json(source: str) -> dict[str, Any]:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=15) as response:  # noqa: S310 - an http(s) URL
            loaded: dict[str, Any] = json.loads(response.read())
            return loaded
    loaded = json.loads(Path(source).read_text())
    return loaded


def _from_document(document: Mapping[str, Any]) -> dict[str, Any]:
    users = document.get("users") or []
    admin = next((user for user in users if user.get("group") == "Admin"), None)
    return {
        "api_url": document.get("apiUrl") or document.get("api"),
        "region": document.get("region"),
        "user_pool_id": document.get("userPoolId"),
        "user_pool_client_id": document.get("userPoolClientId"),
        "cognito_endpoint": document.get("cognitoEndpoint") or None,
        "default_user": (admin["username"], admin["password"]) if admin else None,
    }


def resolve_target(
    flags: Mapping[str, str | None], environ: Mapping[str, str] = os.environ, cwd: Path | None = None
) -> Target:
    """The target from ``flags`` (api_url, region, user_pool_id, user_pool_client_id, cognito_endpoint,
    console, endpoints), the environment and the files described above."""
    values: dict[str, Any] = {}
    console = flags.get("console") or environ.get("DRS_CONSOLE_URL")
    endpoints = flags.get("endpoints")
    if console:
        values = _from_document(_read_json(console.rstrip("/") + "/config.json"))
    else:
        local_dir = (
            Path(environ["DRS_LOCAL_DIR"]) if environ.get("DRS_LOCAL_DIR") else (cwd or Path.cwd()) / ".local"
        )
        path = Path(endpoints) if endpoints else local_dir / "endpoints.json"
        if path.is_file():
            values = _from_document(_read_json(str(path)))
        elif endpoints:
            raise TargetError(f"{endpoints} does not exist")
    for key in ("api_url", "region", "user_pool_id", "user_pool_client_id", "cognito_endpoint"):
        chosen = flags.get(key) or environ.get(f"DRS_{key.upper()}")
        if chosen:
            values[key] = chosen
    missing = [
        key for key in ("api_url", "region", "user_pool_id", "user_pool_client_id") if not values.get(key)
    ]
    if missing:
        raise TargetError(
            "no API to talk to: start local mode (./deploy.sh --local), or pass --console URL, "
            f"or set {', '.join('DRS_' + key.upper() for key in missing)}"
        )
    return Target(
        api_url=str(values["api_url"]).rstrip("/"),
        region=str(values["region"]),
        user_pool_id=str(values["user_pool_id"]),
        user_pool_client_id=str(values["user_pool_client_id"]),
        cognito_endpoint=values.get("cognito_endpoint"),
        default_user=values.get("default_user"),
    )


def sign_in(target: Target, username: str, password: str, *, flow: str | None = None) -> str:
    """An ID token for ``username`` (the API's Cognito authorizer takes ID tokens)."""
    cognito = boto3.session.Session().client(
        "cognito-idp",
        region_name=target.region,
        endpoint_url=target.cognito_endpoint,
        config=Config(signature_version=UNSIGNED, retries={"mode": "standard"}),
    )
    chosen = flow or ("USER_PASSWORD_AUTH" if target.cognito_endpoint else "USER_SRP_AUTH")
    try:
        if chosen == "USER_PASSWORD_AUTH":
            response: Any = cognito.initiate_auth(
                ClientId=target.user_pool_client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        else:
            srp = SrpSession(target.user_pool_id, password)
            challenge = cognito.initiate_auth(
                ClientId=target.user_pool_client_id,
                AuthFlow="USER_SRP_AUTH",
                AuthParameters={"USERNAME": username, "SRP_A": srp.srp_a},
            )
            if challenge.get("ChallengeName") != "PASSWORD_VERIFIER":
                raise SignInError(f"unexpected challenge {challenge.get('ChallengeName')}")
            response = cognito.respond_to_auth_challenge(
                ClientId=target.user_pool_client_id,
                ChallengeName="PASSWORD_VERIFIER",
                Session=challenge.get("Session", ""),
                ChallengeResponses=srp.challenge_responses(
                    challenge["ChallengeParameters"], datetime.now(UTC)
                ),
            )
    except ClientError as error:
        raise SignInError(error.response.get("Error", {}).get("Message") or str(error)) from error
    result = response.get("AuthenticationResult")
    if not result:
        raise SignInError(
            f"Cognito asks for {response.get('ChallengeName')}: finish signing in once in the console first"
        )
    return str(result["IdToken"])
