"""Opaque tokens: what a listing issues it accepts back; anything else is invalid input on nextToken."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drs_orchestration.domain.errors import ValidationFailed
from drs_orchestration.domain.services.paging import decode_cursor, encode_cursor, page_after, value_cursor

KEYS = frozenset({"id"})


@given(st.text(min_size=1, max_size=200))
def test_issued_token_decodes_to_its_key_for_any_value(value: str) -> None:
    assert decode_cursor(value_cursor("id", value), KEYS) == {"id": {"S": value}}


@given(st.text(max_size=300))
def test_arbitrary_text_is_either_a_valid_key_or_invalid_input(token: str) -> None:
    refused: ValidationFailed | None = None
    try:
        decoded = decode_cursor(token, KEYS)
    except ValidationFailed as error:
        refused = error
    if refused is not None:
        assert [field.name for field in refused.fields] == ["nextToken"]
    else:
        assert set(decoded) == {"id"}


@pytest.mark.parametrize(
    "token",
    [
        "",
        "%%%",
        encode_cursor({"other": {"S": "x"}}),
        encode_cursor({"id": {"B": "x"}}),
        encode_cursor({"id": "x"}),
    ],
)
def test_token_is_refused_when_it_does_not_carry_this_listings_key(token: str) -> None:
    with pytest.raises(ValidationFailed):
        decode_cursor(token, KEYS)


def test_pages_cover_every_item_once_and_the_last_has_no_token() -> None:
    items = [f"s-{n:03d}" for n in range(23)]
    seen: list[str] = []
    token = None
    while True:
        page = page_after(items[::-1], lambda item: item, name="id", limit=5, next_token=token)
        seen += page.items
        token = page.next_token
        if token is None:
            break
    assert seen == items
