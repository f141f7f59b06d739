"""The product's health-check document where the product did not install it: a copy named by content.

CloudFormation installs the post-launch health check in the home account and Region only, under a
generated name. A target anywhere else (another account, or another Region of the home account) runs
a copy named ``DrsOrchestration-PostLaunchHealthCheck-<first 12 hex of the content's SHA-256>``. The
content is read once from home (GetDocument); in the target the copy is looked up (GetDocument) and
created when missing (CreateDocument), where "already exists" from a concurrent create is success.
A changed document gets a new name, so a stale copy is never run.

This module holds what the process remembers (the content, the targets whose copy is known to exist);
the calls themselves are made by ``BotoSsmGateway.send_command``, the only path that needs them, so
the IAM wiring check attributes them to the functions that send commands and to no others.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from drs_orchestration.domain.models.drs import DrsTarget

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

__all__ = ["COPY_PREFIX", "DocumentContent", "DocumentCopies", "DocumentCopy"]

COPY_PREFIX = "DrsOrchestration-PostLaunchHealthCheck-"
"""Copies are named ``<prefix><hash>``; roles allow creating ``DrsOrchestration-*`` documents only."""
_HASH_CHARS = 12


@dataclass(frozen=True)
class DocumentContent:
    """What a copy is made of: the original's content, as stored, with its type and format."""

    content: str
    document_type: str
    document_format: str

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> DocumentContent:
        """From a GetDocument response."""
        return cls(
            content=str(document["Content"]),
            document_type=str(document.get("DocumentType") or "Command"),
            document_format=str(document.get("DocumentFormat") or "JSON"),
        )

    @property
    def copy_name(self) -> str:
        digest = hashlib.sha256(self.content.encode("utf-8")).hexdigest()[:_HASH_CHARS]
        return f"{COPY_PREFIX}{digest}"


class DocumentCopies:
    """Copies of the home document ``name`` (read through ``home``: the home account and Region),
    remembered for the life of the process."""

    def __init__(self, name: str, home: Callable[[], SSMClient]) -> None:
        self.name = name
        self.home = home
        self._content: DocumentContent | None = None
        self._ready: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    @property
    def content(self) -> DocumentContent | None:
        with self._lock:
            return self._content

    def remember_content(self, content: DocumentContent) -> DocumentContent:
        with self._lock:
            self._content = self._content or content
            return self._content

    def ready(self, target: DrsTarget) -> bool:
        with self._lock:
            return (target.account_id, target.region) in self._ready

    def mark_ready(self, target: DrsTarget) -> None:
        with self._lock:
            self._ready.add((target.account_id, target.region))

    def for_target(self, target: DrsTarget) -> DocumentCopy:
        return DocumentCopy(self, target)


@dataclass(frozen=True)
class DocumentCopy:
    """The product's document as one target runs it (what ``BotoSsmGateway`` is given)."""

    copies: DocumentCopies
    target: DrsTarget
