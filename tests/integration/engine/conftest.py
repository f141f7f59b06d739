from tests.integration.engine.harness import engine_factory

__all__ = ["engine_factory"]
