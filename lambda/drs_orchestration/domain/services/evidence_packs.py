"""The evidence pack of a finished run: produced once, kept in the evidence bucket, digest audited.

The first request for a finished run's pack renders it, stores it under the run's key (only if nothing
is stored there yet: of two concurrent first requests one pack wins) and appends an audit record
``ProduceEvidencePack`` naming its SHA-256. Every later request serves the stored bytes, so the digest
a client receives is the one in the audit trail. A drill whose recovery instances still run gets a
pack of that moment; once they are terminated the next request produces the final pack (a second key,
its own audit record), so the clean-up is part of the evidence.

A pack of at most ``EVIDENCE_INLINE_BYTES`` is answered in the response; a larger one (thousands of
servers with long health-gate outputs) through a presigned link, as the report's CSV is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.evidence.facts import EvidenceFacts, is_operator_event
from drs_orchestration.domain.evidence.render import render_evidence
from drs_orchestration.domain.evidence.store import EvidenceStore, StoredPack
from drs_orchestration.domain.models.audit import AuditRecord
from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.execution import ExecutionEvent, ExecutionHeader, ExecutionMode
from drs_orchestration.domain.services.context import Request, Services, record_audit
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.domain.services.execution_reports import ExecutionReport, full_report

__all__ = [
    "EVIDENCE_INLINE_BYTES",
    "EVIDENCE_LINK_SECONDS",
    "EvidenceLink",
    "EvidencePack",
    "EvidenceStorageUnavailable",
    "evidence_facts",
    "evidence_key",
    "evidence_link",
    "evidence_pack",
]

EVIDENCE_INLINE_BYTES = 2 * 1024 * 1024
"""The largest pack answered in the response (far under Lambda's 6 MB once wrapped in the proxy
response); a larger one is answered with a link."""
EVIDENCE_LINK_SECONDS = 300
CONTENT_TYPE = "text/html; charset=utf-8"
AUDIT_ACTION = "ProduceEvidencePack"
_PAGE = 1000


class EvidenceLink(CamelModel):
    """Where to download the pack, without credentials, until ``expiresAt``; ``sha256`` is its digest."""

    url: str
    expires_at: datetime
    file_name: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class EvidencePack:
    """The pack answered inline: its HTML and digest."""

    html: str
    sha256: str


class EvidenceStorageUnavailable(EngineUnavailable):
    """No evidence bucket is configured (503): a pack that is not kept cannot be verified later."""

    code = "EVIDENCE_STORAGE_UNAVAILABLE"


def _store(services: Services) -> EvidenceStore:
    if services.evidence is None:
        raise EvidenceStorageUnavailable("this deployment has no evidence bucket to keep evidence packs in")
    return services.evidence


def _edition(header: ExecutionHeader, launched: bool) -> str:
    """``final``, or ``before-cleanup`` for a drill whose recovery instances had not been terminated."""
    pending = header.mode is ExecutionMode.DRILL and launched and header.instances_terminated_at is None
    return "before-cleanup" if pending else "final"


def evidence_key(execution_id: str, edition: str) -> str:
    return f"evidence/{execution_id}/{edition}.html"


def _candidate_keys(header: ExecutionHeader) -> list[str]:
    """Where the run's current pack is, if it was produced: without reading its servers. A drill whose
    instances were not terminated has one of the two (``final`` when it launched none)."""
    if header.mode is not ExecutionMode.DRILL or header.instances_terminated_at is not None:
        return [evidence_key(header.id, "final")]
    return [evidence_key(header.id, "before-cleanup"), evidence_key(header.id, "final")]


def _file_name(header: ExecutionHeader) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", header.plan_name).strip("-")
    return f"evidence-{safe or 'plan'}-{header.id}.html"


def _operator_events(services: Services, execution_id: str) -> list[ExecutionEvent]:
    found: list[ExecutionEvent] = []
    token: str | None = None
    while True:
        page = services.executions.list_events(execution_id, limit=_PAGE, next_token=token)
        found.extend(event for event in page.items if is_operator_event(event))
        token = page.next_token
        if token is None:
            return found


def _audit(services: Services, execution_id: str) -> list[AuditRecord]:
    """The run's audit records, oldest first."""
    found: list[AuditRecord] = []
    token: str | None = None
    while True:
        page = services.audit.list(resource_id=execution_id, limit=_PAGE, next_token=token)
        found.extend(page.items)
        token = page.next_token
        if token is None:
            return sorted(found, key=lambda record: (record.at, record.id))


def evidence_facts(
    services: Services, header: ExecutionHeader, report: ExecutionReport, now: datetime
) -> EvidenceFacts:
    """What the pack of ``header``'s run shows: its report, operator events and audit records."""
    return EvidenceFacts(
        header=header,
        report=report,
        operator_events=_operator_events(services, header.id),
        audit=_audit(services, header.id),
        produced_at=now,
    )


def _finished_header(services: Services, execution_id: str) -> ExecutionHeader:
    header = services.executions.get_header(execution_id)
    if not header.is_terminal:
        raise Conflict(
            f"execution {execution_id} is {header.status.value}: its evidence pack is produced once the run"
            " has finished"
        )
    return header


def _produce(
    services: Services, request: Request, header: ExecutionHeader
) -> tuple[StoredPack, bytes | None]:
    """The stored pack of the run as it is now, produced (and its digest audited) if there is none yet;
    with its bytes when this call rendered them."""
    store = _store(services)
    for candidate in _candidate_keys(header):
        stored = store.find(candidate)
        if stored is not None:
            return stored, None
    report = full_report(services, header.id, request)
    launched = any(row.recovery_instance_id for row in report.servers)
    key = evidence_key(header.id, _edition(header, launched))
    body = render_evidence(evidence_facts(services, header, report, request.now)).encode()
    digest = hashlib.sha256(body).hexdigest()
    written = store.put_new(key, body, sha256=digest, content_type=CONTENT_TYPE)
    if written is None:
        return _written_by_another(store, key), None
    record_audit(
        services,
        request,
        AUDIT_ACTION,
        "Execution",
        header.id,
        sha256=digest,
        key=key,
        sizeBytes=len(body),
        objectVersion=written.version_id,
    )
    return written, body


def _written_by_another(store: EvidenceStore, key: str) -> StoredPack:
    stored = store.find(key)
    if stored is None:  # pragma: no cover - a pack is never deleted while it is being produced
        raise Conflict(f"the evidence pack {key} was being produced; ask again")
    return stored


def evidence_pack(
    services: Services, execution_id: str, request: Request, *, inline_up_to: int = EVIDENCE_INLINE_BYTES
) -> EvidencePack | EvidenceLink:
    """The finished run's pack: its HTML when it takes at most ``inline_up_to`` bytes, else a link;
    ``Conflict`` naming the status while the run is not finished."""
    header = _finished_header(services, execution_id)
    stored, body = _produce(services, request, header)
    if stored.size_bytes > inline_up_to:
        return _link(services, header, stored, request.now)
    if body is None:
        body = _store(services).read(stored.key)
    return EvidencePack(html=body.decode(), sha256=hashlib.sha256(body).hexdigest())


def evidence_link(services: Services, execution_id: str, request: Request) -> EvidenceLink:
    """A link to the finished run's pack, however small (what the console downloads)."""
    header = _finished_header(services, execution_id)
    stored, _ = _produce(services, request, header)
    return _link(services, header, stored, request.now)


def _link(services: Services, header: ExecutionHeader, stored: StoredPack, now: datetime) -> EvidenceLink:
    file_name = _file_name(header)
    url = _store(services).link(stored.key, file_name=file_name, expires_in_seconds=EVIDENCE_LINK_SECONDS)
    return EvidenceLink(
        url=url,
        expires_at=now + timedelta(seconds=EVIDENCE_LINK_SECONDS),
        file_name=file_name,
        sha256=stored.sha256,
        size_bytes=stored.size_bytes,
    )
