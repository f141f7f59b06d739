"""Write the API's OpenAPI document, generated from the routes.

Regenerate the committed copy with ``python -m drs_orchestration.handlers.api.openapi``.
"""

from __future__ import annotations

import json
from pathlib import Path

from drs_orchestration.handlers.api.app import app

__all__ = ["DOCUMENT_PATH", "openapi_document"]

DOCUMENT_PATH = Path(__file__).with_name("openapi.json")


def openapi_document() -> str:
    schema = json.loads(
        app.get_openapi_json_schema(
            title="DRS Orchestration API",
            version="1.0.0",
            description="Protection groups, recovery plans, drills and recoveries for AWS DRS.",
        )
    )
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> None:
    DOCUMENT_PATH.write_text(openapi_document())


if __name__ == "__main__":
    main()
