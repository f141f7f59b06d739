"""Plans as code: export a plan as YAML or JSON, import a file (dry run or applied), the file's schema."""

from __future__ import annotations

import json
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from drs_orchestration.domain.errors import FieldError, ValidationFailed
from drs_orchestration.domain.models.plan_file import (
    ChangeAction,
    PlanImportResult,
    RecoveryPlanFile,
    plan_file_json_schema,
)
from drs_orchestration.domain.services import plan_files as service
from drs_orchestration.handlers.api.dependencies import get_services, service_request
from drs_orchestration.handlers.api.resolver import accepts, requires
from drs_orchestration.handlers.api.routes.common import Version, json_response, responses
from drs_orchestration.handlers.api.security import Permission

__all__ = ["IMPORT_PATH", "YAML", "document_import_body", "router"]

router = Router()  # type: ignore[no-untyped-call]

YAML = "application/yaml"
IMPORT_PATH = "/recovery-plans/import"
SCHEMA_PATH = "/schemas/recovery-plan-file.json"
SCHEMA_MEDIA_TYPE = "application/schema+json"

PlanId = Annotated[str, Path(pattern=r"^rp-[0-9A-Za-z][0-9A-Za-z-]{0,63}$", max_length=67)]


def _is_yaml(media_type: str | None) -> bool:
    return bool(media_type) and "yaml" in str(media_type).lower()


def _yaml() -> Any:
    """PyYAML, imported when a request needs it (not at cold start)."""
    import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

    return yaml


def _yaml_text(document: dict[str, Any]) -> str:
    text: str = _yaml().safe_dump(document, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return text


def _export_responses() -> dict[int, Any]:
    documented = responses(400, 403, 404, 409)
    documented[200] = {
        "description": "The plan file: JSON, or YAML with `Accept: application/yaml`",
        "content": {
            content_types.APPLICATION_JSON: {"model": RecoveryPlanFile},
            YAML: {"schema": {"$ref": "#/components/schemas/RecoveryPlanFile"}},
        },
    }
    return documented


@router.get(
    "/recovery-plans/<plan_id>/export",
    summary="The plan as a file (groups by name; no ids, versions, timestamps or owners)",
    responses=_export_responses(),
)
@requires(Permission.READ)
def export_plan(
    plan_id: PlanId, accept: Annotated[str | None, Header(alias="Accept")] = None
) -> Response[str]:
    document = service.export_plan_file(get_services(router), plan_id).to_document()
    if _is_yaml(accept):
        return Response(status_code=200, content_type=YAML, body=_yaml_text(document))
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(document, indent=2, ensure_ascii=False) + "\n",
    )


class _Unreadable(Exception):
    pass


def _load_yaml(text: str) -> Any:
    yaml = _yaml()

    class _NoAliases(yaml.SafeLoader):  # type: ignore[misc,name-defined]  # a plan file needs no anchors
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise _Unreadable("YAML aliases (*name) are not accepted in a plan file")
            return super().compose_node(parent, index)

    try:
        return yaml.load(text, Loader=_NoAliases)  # a SafeLoader that refuses aliases
    except yaml.YAMLError as error:
        raise _Unreadable(f"not valid YAML: {error}".replace("\n", " ")) from error


def _file_document(body: str | None, content_type: str | None) -> Any:
    """The body as a document: YAML when its Content-Type says so, else JSON."""
    if not body or not body.strip():
        raise ValidationFailed([FieldError(name="body", message="give the plan file (YAML or JSON)")])
    try:
        if _is_yaml(content_type):
            return _load_yaml(body)
        try:
            return json.loads(body)
        except ValueError as error:
            raise _Unreadable("the body is not valid JSON") from error
    except _Unreadable as error:
        raise ValidationFailed([FieldError(name="body", message=str(error))]) from error


@router.post(
    IMPORT_PATH,
    summary="Import a plan file: the changes (dryRun=true), or create or update the plan of its name",
    description=(
        "The body is a plan file, YAML (`Content-Type: application/yaml`) or JSON. The plan of the file's"
        " name is created when none exists, else updated: with `version`, only while it is at that"
        " version; without it, only while it is at the version the import compared the file with"
        " (409 otherwise). Problems are 400s named by their path in the file."
    ),
    responses=responses(400, 403, 409, _200=PlanImportResult, _201=PlanImportResult),
)
@requires(Permission.EDIT_CONFIGURATION)
@accepts(YAML)
def import_plan(
    dry_run: Annotated[bool, Query(alias="dryRun", description="Report the changes only")] = False,
    version: Version = None,
    content_type: Annotated[str | None, Header(alias="Content-Type")] = None,
) -> Response[str]:
    document = _file_document(router.current_event.decoded_body, content_type)
    options = service.ImportOptions(dry_run=dry_run, expected_version=version)
    result = service.import_plan_file(get_services(router), service_request(router), document, options)
    created = not dry_run and result.changes[0].action is ChangeAction.CREATE
    return json_response(201 if created else 200, result)


def _schema_responses() -> dict[int, Any]:
    documented = responses(403)
    documented[200] = {
        "description": "The JSON Schema (draft 2020-12) of the file export writes and import reads",
        "content": {SCHEMA_MEDIA_TYPE: {"schema": {"type": "object"}}},
    }
    return documented


@router.get(
    SCHEMA_PATH,
    summary="The JSON Schema of a recovery plan file",
    responses=_schema_responses(),
)
@requires(Permission.READ)
def plan_file_schema() -> Response[str]:
    return Response(
        status_code=200,
        content_type=SCHEMA_MEDIA_TYPE,
        body=json.dumps(plan_file_json_schema(), indent=2, sort_keys=True) + "\n",
    )


def document_import_body(openapi: dict[str, Any]) -> None:
    """Document the import's body (read by the route itself, as YAML or JSON) in an OpenAPI document."""
    schema = {"$ref": "#/components/schemas/RecoveryPlanFile"}
    openapi["paths"][IMPORT_PATH]["post"]["requestBody"] = {
        "required": True,
        "content": {content_types.APPLICATION_JSON: {"schema": schema}, YAML: {"schema": schema}},
    }
