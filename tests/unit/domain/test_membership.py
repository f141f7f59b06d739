"""Tag selectors and the one-protection-group-per-server rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drs_orchestration.domain.membership import find_membership_conflicts, resolve_groups, resolve_members
from drs_orchestration.domain.models.protection_group import ProtectionGroupInput, selector_matches
from tests.unit.domain.builders import ACCOUNT, REGION, group, server_id, source_server

KEYS = ["App", "Tier", "Env"]
VALUES = ["shop", "web", "db", "prod", ""]


@settings(max_examples=300)
@given(
    selector=st.dictionaries(
        st.sampled_from(KEYS), st.lists(st.sampled_from(VALUES), min_size=1, max_size=3)
    ),
    tags=st.dictionaries(st.sampled_from([*KEYS, "Other"]), st.sampled_from(VALUES)),
)
def test_selector_matches_exactly_when_every_key_has_an_allowed_value(
    selector: dict[str, list[str]], tags: dict[str, str]
) -> None:
    expected = True
    for key, allowed in selector.items():
        expected = expected and tags.get(key) in allowed
    assert selector_matches(selector, tags) is expected


def test_selector_allows_several_values_for_one_key() -> None:
    selector = {"App": ["shop"], "Tier": ["web", "api"]}
    assert selector_matches(selector, {"App": "shop", "Tier": "api", "Extra": "x"})
    assert not selector_matches(selector, {"App": "shop", "Tier": "db"})
    assert not selector_matches(selector, {"Tier": "web"})


def test_members_are_explicit_ids_then_selector_matches_without_repeats() -> None:
    inventory = [source_server(1, {"App": "shop"}), source_server(2, {"App": "shop"}), source_server(3)]
    candidate = group(source_server_ids=[server_id(9), server_id(2)], tag_selector={"App": ["shop"]})
    assert resolve_members(candidate, inventory) == [server_id(9), server_id(2), server_id(1)]


def test_conflicts_name_server_and_other_group_when_membership_overlaps() -> None:
    # Given two stored groups, one by id and one by tag
    inventory = [source_server(1, {"Tier": "db"}), source_server(2, {"Tier": "web"}), source_server(3)]
    by_id = group("pg-ids", source_server_ids=[server_id(3)])
    by_tag = group("pg-tags", source_server_ids=[], tag_selector={"Tier": ["db"]})
    elsewhere = group("pg-west", region="us-west-2", source_server_ids=[server_id(2)])
    # When a candidate wants servers 1, 2 and 3
    candidate = ProtectionGroupInput(
        name="all",
        account_id=ACCOUNT,
        region=REGION,
        source_server_ids=[server_id(3)],
        tag_selector={"Tier": ["db", "web"]},
    )
    conflicts = find_membership_conflicts(candidate, [by_id, by_tag, elsewhere], inventory)
    # Then the overlaps in its own account and region are named
    assert [(c.source_server_id, c.protection_group_id, c.protection_group_name) for c in conflicts] == [
        (server_id(1), "pg-tags", "tags"),
        (server_id(3), "pg-ids", "ids"),
    ]


def test_group_does_not_conflict_with_its_own_stored_version_when_updated() -> None:
    stored = group("pg-a", source_server_ids=[server_id(1)])
    edited = group("pg-a", source_server_ids=[server_id(1), server_id(2)])
    assert find_membership_conflicts(edited, [stored], []) == []


def test_groups_resolve_against_their_own_account_and_region() -> None:
    east = group("pg-east", source_server_ids=[], tag_selector={"App": ["shop"]})
    west = group("pg-west", region="us-west-2", source_server_ids=[], tag_selector={"App": ["shop"]})
    inventory = {(ACCOUNT, REGION): [source_server(1, {"App": "shop"})]}
    assert resolve_groups([east, west], inventory) == {"pg-east": [server_id(1)], "pg-west": []}
