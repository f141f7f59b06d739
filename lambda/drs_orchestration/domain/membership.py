"""Protection group membership: resolving groups to servers, and the one-group-per-server rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.models.drs import SourceServer
from drs_orchestration.domain.models.protection_group import (
    ProtectionGroup,
    ProtectionGroupInput,
    selector_matches,
)

__all__ = [
    "Inventory",
    "MembershipConflict",
    "find_membership_conflicts",
    "resolve_groups",
    "resolve_members",
]

Inventory = Mapping[tuple[str, str], Sequence[SourceServer]]
"""Source servers of each ``(accountId, region)``."""


class MembershipConflict(CamelModel):
    """A server the candidate group would hold that another group already holds."""

    source_server_id: str
    protection_group_id: str
    protection_group_name: str


def resolve_members(group: ProtectionGroupInput, servers: Iterable[SourceServer]) -> list[str]:
    """The group's servers: its explicit ids (in order), then the inventory servers its selector matches.

    ``servers`` is the inventory of the group's own account and region. Explicit ids are members even
    when the inventory does not list them (readiness reports those as missing).
    """
    members = dict.fromkeys(group.source_server_ids)
    if group.tag_selector:
        for server in servers:
            if selector_matches(group.tag_selector, server.tags):
                members.setdefault(server.source_server_id)
    return list(members)


def resolve_groups(groups: Iterable[ProtectionGroup], inventory: Inventory) -> dict[str, list[str]]:
    """Protection group id -> its servers, each group resolved against its own account and region."""
    return {
        group.id: resolve_members(group, inventory.get((group.account_id, group.region), ()))
        for group in groups
    }


def find_membership_conflicts(
    candidate: ProtectionGroupInput,
    others: Iterable[ProtectionGroup],
    servers: Sequence[SourceServer],
) -> list[MembershipConflict]:
    """Every server the candidate would share with another group of the same account and region.

    ``servers`` is the inventory of the candidate's account and region. When the candidate is a stored
    group (an update), its own stored version among ``others`` is ignored. Sorted by server, then group.
    """
    candidate_id = candidate.id if isinstance(candidate, ProtectionGroup) else None
    wanted = set(resolve_members(candidate, servers))
    conflicts = [
        MembershipConflict(
            source_server_id=server_id, protection_group_id=other.id, protection_group_name=other.name
        )
        for other in others
        if other.id != candidate_id
        and (other.account_id, other.region) == (candidate.account_id, candidate.region)
        for server_id in wanted.intersection(resolve_members(other, servers))
    ]
    return sorted(conflicts, key=lambda c: (c.source_server_id, c.protection_group_id))
