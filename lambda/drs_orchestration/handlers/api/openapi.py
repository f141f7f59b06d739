"""Write the API's OpenAPI document, generated from the routes.

Powertools documents its own 422 and response-validation shapes; this API answers neither (invalid
requests are 400, a response that fails validation is a 500), so every error is given the API's one
error shape. Regenerate the committed copy with ``python -m drs_orchestration.handlers.api.openapi``.
"""

from __future__ import annotations

import json
from pathlib import Path

from drs_orchestration.handlers.api.app import app
from drs_orchestration.handlers.api.routes.plan_files import document_import_body

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
    server_error = {
        "description": "Unexpected server error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            operation["responses"].pop("422", None)
            operation["responses"]["500"] = server_error
    document_import_body(schema)
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schema["components"]["schemas"].pop(unused, None)
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> None:
    DOCUMENT_PATH.write_text(openapi_document())


if __name__ == "__main__":
    main()
