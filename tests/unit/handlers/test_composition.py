"""The composition root hands out each function's entry point on a product: the same code on Lambda,
in local mode and in tests, with the product's own clock and overrides."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from drs_orchestration.adapters.system_clock import SystemClock
from drs_orchestration.composition.product import Product
from drs_orchestration.config.settings import Settings
from drs_orchestration.handlers.engine import drs_events


class FixedClock:
    def now(self) -> datetime:
        return datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def product(monkeypatch: pytest.MonkeyPatch) -> Product:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    return Product(Settings(), FixedClock())


def test_handler_path_of_a_template_runs_its_module_on_the_product_when_resolved(product: Product) -> None:
    handler = product.handler("drs_orchestration.handlers.engine.drs_events.lambda_handler")

    # an event without a job id is answered before any part is built
    assert handler({"detail": {}}, None) == {"woken": []}
    assert handler.func is drs_events.handle  # type: ignore[attr-defined]
    assert handler.args == (product,)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["lambda_handler", "drs_orchestration.handlers.engine.drs_events.handle"])
def test_handler_path_is_refused_when_it_names_no_lambda_handler(product: Product, path: str) -> None:
    with pytest.raises(ValueError, match="lambda_handler"):
        product.handler(path)


def test_system_clock_reads_utc_when_asked() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is not None
    assert before <= now <= datetime.now(UTC)
