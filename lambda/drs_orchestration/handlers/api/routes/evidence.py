"""/executions/{id}/evidence: the finished run's evidence pack (self-contained HTML) for auditors."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from drs_orchestration.domain.services import evidence_packs
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import requires
from drs_orchestration.handlers.api.routes.common import json_response, responses
from drs_orchestration.handlers.api.security import Permission

router = Router()  # type: ignore[no-untyped-call]

DIGEST_HEADER = "X-Content-SHA256"
ExecutionId = Annotated[str, Path(pattern=r"^ex-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=67)]
AsLink = Annotated[
    bool,
    Query(
        alias="link",
        description="`true`: answer a link to the stored pack (JSON), however small (what the console uses)",
    ),
]

_DESCRIPTION = """\
One self-contained HTML document (inline CSS and SVG; no script, nothing fetched; prints to PDF): the
plan version as run with its wave graph, who started the run and how, every approval, pause and operator
action with who and when, the wave timeline planned against actual, each server's launch, DRS job,
snapshot and health-gate evidence, the RTO against its target with the verdict, and the drill clean-up.
Only for finished runs (409 naming the status otherwise).

The pack is rendered once, when first asked for, and kept in the stack's evidence bucket (versioned;
Object Lock when the stack sets it); its SHA-256 is written to the audit trail then (`ProduceEvidencePack`
on the run). Every answer carries `X-Content-SHA256`, the hex digest of the pack, and later requests
serve the stored pack, so the digest stays the same. A drill whose instances were still running gets
a pack of that moment; once they are terminated, the next request produces the final pack (audited too).

A pack of at most 2 MiB is answered as `text/html`; a larger one with **303 See Other**, `Location` a
presigned GET link valid for 5 minutes (the body repeats it as JSON). With `?link=true` the answer is
always that JSON (200). 503 when the deployment has no evidence bucket.
"""

_RESPONSES = responses(400, 403, 404, 409, 503)
_RESPONSES[200] = {
    "description": "The pack (`text/html`); with `?link=true` an `EvidenceLink` (JSON)",
    "content": {
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"model": evidence_packs.EvidenceLink},
    },
}
_RESPONSES[303] = {
    "description": "The pack is over 2 MiB: `Location` is a presigned link to it",
    "content": {"application/json": {"model": evidence_packs.EvidenceLink}},
}


@router.get(
    "/executions/<execution_id>/evidence",
    summary="The finished run's evidence pack for auditors (HTML, digest in X-Content-SHA256)",
    description=_DESCRIPTION,
    responses=_RESPONSES,
)
@requires(Permission.READ)
def evidence(execution_id: ExecutionId, link: AsLink = False) -> Response[str]:
    services, request = get_services(router), service_request(router)
    if link:
        found = evidence_packs.evidence_link(services, execution_id, request)
        response = json_response(200, found)
        response.headers[DIGEST_HEADER] = found.sha256
        return response
    answer = evidence_packs.evidence_pack(services, execution_id, request)
    if isinstance(answer, evidence_packs.EvidenceLink):
        response = json_response(303, answer)
        response.headers["Location"] = answer.url
    else:
        response = Response(status_code=200, content_type="text/html; charset=utf-8", body=answer.html)
    response.headers[DIGEST_HEADER] = answer.sha256
    return response
