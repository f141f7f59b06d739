"""Producing a finished run's pack once: stored under its key, its digest audited, the same bytes on
every later request; a link for large packs; 409 while the run goes on, 503 without a bucket."""

from __future__ import annotations

import hashlib

import pytest

from drs_orchestration.adapters.memory import InMemoryExecutionRepository
from drs_orchestration.adapters.memory.evidence_store import InMemoryEvidenceStore
from drs_orchestration.domain.errors import Conflict
from drs_orchestration.domain.evidence.store import StoredPack
from drs_orchestration.domain.models.execution import ExecutionStatus, ServerState
from drs_orchestration.domain.services.evidence_packs import (
    EvidenceLink,
    EvidencePack,
    EvidenceStorageUnavailable,
    evidence_key,
    evidence_link,
    evidence_pack,
)
from tests.unit.evidence.runs import EXECUTION, REQUEST, finished_drill, services


def _produced(held: object) -> list[str]:
    records = held.audit.list(resource_id=EXECUTION, limit=100).items  # type: ignore[attr-defined]
    return [str(r.details["sha256"]) for r in records if r.action == "ProduceEvidencePack"]


def test_first_request_stores_the_pack_and_audits_its_digest_and_later_ones_serve_it() -> None:
    store = InMemoryEvidenceStore()
    held = services(store)
    finished_drill(held)

    first = evidence_pack(held, EXECUTION, REQUEST)
    again = evidence_pack(held, EXECUTION, REQUEST)

    assert isinstance(first, EvidencePack)
    assert isinstance(again, EvidencePack)
    assert first.sha256 == hashlib.sha256(first.html.encode()).hexdigest()
    assert again.html == first.html
    assert again.sha256 == first.sha256
    assert _produced(held) == [first.sha256]
    assert list(store.objects) == [evidence_key(EXECUTION, "before-cleanup")]


def test_pack_larger_than_the_inline_limit_is_answered_with_a_link_naming_its_digest() -> None:
    store = InMemoryEvidenceStore()
    held = services(store)
    finished_drill(held)

    answer = evidence_pack(held, EXECUTION, REQUEST, inline_up_to=1000)

    assert isinstance(answer, EvidenceLink)
    body = store.read(evidence_key(EXECUTION, "before-cleanup"))
    assert answer.sha256 == hashlib.sha256(body).hexdigest()
    assert answer.size_bytes == len(body)
    assert answer.file_name == f"evidence-shop-dr-{EXECUTION}.html"
    assert evidence_link(held, EXECUTION, REQUEST).sha256 == answer.sha256
    assert len(_produced(held)) == 1


class LosingStore(InMemoryEvidenceStore):
    """A store where another request wrote the pack between this one's look and its put."""

    def __init__(self, winner: bytes) -> None:
        super().__init__()
        self.winner = winner

    def put_new(self, key: str, body: bytes, *, sha256: str, content_type: str) -> StoredPack | None:
        super().put_new(
            key, self.winner, sha256=hashlib.sha256(self.winner).hexdigest(), content_type=content_type
        )
        return None


def test_request_that_loses_the_race_serves_the_winners_pack_and_audits_nothing() -> None:
    store = LosingStore(b"<!DOCTYPE html><p>the other request's pack</p>")
    held = services(store)
    finished_drill(held)

    answer = evidence_pack(held, EXECUTION, REQUEST)

    assert isinstance(answer, EvidencePack)
    assert answer.html == store.winner.decode()
    assert answer.sha256 == hashlib.sha256(store.winner).hexdigest()
    assert _produced(held) == []


@pytest.mark.parametrize(
    "status", [ExecutionStatus.RUNNING, ExecutionStatus.PAUSED, ExecutionStatus.CANCELLING]
)
def test_pack_of_an_unfinished_run_is_a_conflict_naming_its_status(status: ExecutionStatus) -> None:
    held = services(InMemoryEvidenceStore())
    finished_drill(held, status=status)

    with pytest.raises(Conflict, match=status.value):
        evidence_pack(held, EXECUTION, REQUEST)


def test_pack_is_unavailable_without_an_evidence_store() -> None:
    held = services(None)
    finished_drill(held)

    with pytest.raises(EvidenceStorageUnavailable):
        evidence_pack(held, EXECUTION, REQUEST)


class CountedServerReads(InMemoryExecutionRepository):
    def __init__(self) -> None:
        super().__init__()
        self.server_reads = 0

    def get_servers(self, execution_id: str, wave_id: str | None = None) -> list[ServerState]:
        self.server_reads += 1
        return super().get_servers(execution_id, wave_id)


@pytest.mark.parametrize("servers_per_wave", [0, 2])
def test_stored_pack_is_found_without_reading_the_runs_servers_again(servers_per_wave: int) -> None:
    executions = CountedServerReads()
    held = services(InMemoryEvidenceStore(), executions)
    finished_drill(held, servers_per_wave=servers_per_wave)
    first = evidence_pack(held, EXECUTION, REQUEST)
    reads = executions.server_reads

    again = evidence_pack(held, EXECUTION, REQUEST)

    assert isinstance(first, EvidencePack)
    assert isinstance(again, EvidencePack)
    assert again.sha256 == first.sha256
    assert executions.server_reads == reads
    assert len(_produced(held)) == 1
