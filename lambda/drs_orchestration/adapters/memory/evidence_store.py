"""The in-memory twin of the evidence bucket, for tests."""

from __future__ import annotations

from drs_orchestration.domain.evidence.store import StoredPack

__all__ = ["InMemoryEvidenceStore"]


class InMemoryEvidenceStore:
    """Keeps each pack once, under its key; a link is a ``memory://`` URL naming the key."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, StoredPack]] = {}

    def find(self, key: str) -> StoredPack | None:
        found = self.objects.get(key)
        return None if found is None else found[1]

    def read(self, key: str) -> bytes:
        return self.objects[key][0]

    def put_new(self, key: str, body: bytes, *, sha256: str, content_type: str) -> StoredPack | None:
        if key in self.objects:
            return None
        stored = StoredPack(
            key=key, sha256=sha256, size_bytes=len(body), version_id=f"v{len(self.objects) + 1}"
        )
        self.objects[key] = (body, stored)
        return stored

    def link(self, key: str, *, file_name: str, expires_in_seconds: int) -> str:
        return f"memory://{key}?file={file_name}&expires={expires_in_seconds}"
