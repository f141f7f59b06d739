"""Report files kept in memory, each behind a ``memory://`` link (unit tests)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InMemoryReportStore", "StoredReport"]


@dataclass(frozen=True)
class StoredReport:
    body: bytes
    content_type: str
    file_name: str
    expires_in_seconds: int


class InMemoryReportStore:
    """``ReportStore`` whose links name the key: ``memory://reports/<key>``."""

    def __init__(self) -> None:
        self.files: dict[str, StoredReport] = {}

    def publish(
        self, key: str, body: bytes, *, content_type: str, file_name: str, expires_in_seconds: int
    ) -> str:
        self.files[key] = StoredReport(body, content_type, file_name, expires_in_seconds)
        return f"memory://reports/{key}"

    def read(self, url: str) -> bytes:
        """The body behind a link this store handed out."""
        return self.files[url.removeprefix("memory://reports/")].body
