"""Where evidence packs are kept: written once under their key, never replaced."""

from __future__ import annotations

from typing import Protocol

from drs_orchestration.domain.models.base import CamelModel

__all__ = ["EvidenceStore", "StoredPack"]


class StoredPack(CamelModel):
    """A pack as stored: its key, the SHA-256 of its bytes (hex), its size and the object version."""

    key: str
    sha256: str
    size_bytes: int
    version_id: str | None = None


class EvidenceStore(Protocol):
    """The stack's evidence bucket (versioned, optionally under Object Lock)."""

    def find(self, key: str) -> StoredPack | None:
        """The pack stored under ``key``, without its bytes; ``None`` when there is none."""
        ...

    def read(self, key: str) -> bytes:
        """The bytes stored under ``key``."""
        ...

    def put_new(self, key: str, body: bytes, *, sha256: str, content_type: str) -> StoredPack | None:
        """Store ``body`` under ``key`` unless something is stored there already (then ``None``: the
        first writer wins, so two requests never keep two different packs)."""
        ...

    def link(self, key: str, *, file_name: str, expires_in_seconds: int) -> str:
        """A URL that downloads the pack as ``file_name``, with no credentials, for a while."""
        ...
