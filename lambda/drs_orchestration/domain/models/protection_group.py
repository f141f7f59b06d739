"""Protection groups: which DRS source servers recover together, by explicit id and/or tags."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from drs_orchestration.domain.models.base import (
    AccountId,
    CamelModel,
    Description,
    Name,
    ProtectionGroupId,
    Region,
    SourceServerId,
    Stamped,
    Version,
)

__all__ = [
    "ProtectionGroup",
    "ProtectionGroupInput",
    "ProtectionGroupUpdate",
    "TagSelector",
    "selector_matches",
]

TagKey = Annotated[str, StringConstraints(min_length=1, max_length=128)]
TagValue = Annotated[str, StringConstraints(max_length=256)]
TagSelector = dict[TagKey, Annotated[list[TagValue], Field(min_length=1, max_length=50)]]
"""``{"App": ["shop"], "Tier": ["web", "api"]}``: all keys must match; a key may allow several values."""

MAX_EXPLICIT_SERVERS = 4000


def selector_matches(selector: TagSelector, tags: dict[str, str]) -> bool:
    """True when the server carries every key of the selector with one of that key's allowed values."""
    return all(key in tags and tags[key] in allowed for key, allowed in selector.items())


class ProtectionGroupInput(CamelModel):
    """What a client sends to create a protection group."""

    name: Name
    description: Description = ""
    account_id: AccountId
    region: Region
    source_server_ids: Annotated[list[SourceServerId], Field(max_length=MAX_EXPLICIT_SERVERS)] = []
    tag_selector: Annotated[TagSelector, Field(min_length=1, max_length=20)] | None = None

    @model_validator(mode="after")
    def _membership_is_defined(self) -> Self:
        if not self.source_server_ids and not self.tag_selector:
            raise ValueError("give sourceServerIds, a tagSelector, or both")
        duplicates = sorted(sid for sid, count in Counter(self.source_server_ids).items() if count > 1)
        if duplicates:
            raise ValueError(f"sourceServerIds lists {', '.join(duplicates)} more than once")
        return self


class ProtectionGroupUpdate(ProtectionGroupInput):
    """A full replacement of a protection group; ``version`` is the version the client last read."""

    version: Version


class ProtectionGroup(ProtectionGroupInput, Stamped):
    """A stored protection group."""

    id: ProtectionGroupId
