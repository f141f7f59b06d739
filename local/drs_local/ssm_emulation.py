"""SSM Automation for moto, which has none.

``StartAutomationExecution``, ``GetAutomationExecution``, ``StopAutomationExecution`` and
``DescribeAutomationExecutions`` are registered on moto's SSM response class, the one its URL map
dispatches every SSM request to, so they answer in-process (``mock_aws``) and in server mode alike.
Executions live beside moto's SSM backend of their account and Region and die with it.

What an execution does is configured per document name, optionally narrowed to parameter values:
succeed (with outputs), fail (with a message), time out, or hang (stay ``InProgress`` until stopped, so
the caller's own timeout must fire). Durations are in simulated seconds on a :class:`Clock` (scaled real
time, or a manual clock a test advances); status is worked out from that clock when asked, so nothing
runs in the background. By default the document must exist in moto SSM as an Automation document
(otherwise ``AutomationDefinitionNotFoundException``, as AWS answers) and succeeds after ten seconds.
AWS-owned documents (``AWS…``), which moto does not carry, are accepted once an outcome names them.
"""

from __future__ import annotations

import json
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from moto.core.responses import ActionResult, EmptyResult
from moto.ssm import urls as ssm_urls
from moto.ssm.exceptions import InvalidDocument, InvalidDocumentVersion, SSMException
from moto.ssm.models import SimpleSystemManagerBackend
from moto.ssm.responses import SimpleSystemManagerResponse
from pydantic import BaseModel, ConfigDict, Field

from .moto_hooks import Emulation, HookMissingError, Patches, require_attributes

Result = Literal["Success", "Failed", "TimedOut", "Hang"]
TERMINAL = frozenset({"Success", "Failed", "TimedOut", "Cancelled"})
FILTER_KEYS = frozenset(
    {"DocumentNamePrefix", "ExecutionStatus", "ExecutionId", "StartTimeBefore", "StartTimeAfter"}
)
_DEFAULT_FAILURE = "Step fails when it is Executing. Fail the step because the automation failed."
_TIMED_OUT = "Step timed out while step is verifying the automation has completed."


class AutomationOutcome(BaseModel):
    """What one automation execution does. ``duration_seconds`` is simulated time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    result: Result = "Success"
    duration_seconds: float = Field(default=10.0, ge=0)
    outputs: dict[str, list[str]] = Field(default_factory=dict)
    failure_message: str = ""


@dataclass(frozen=True)
class _Rule:
    document_name: str
    when: tuple[tuple[str, str], ...]
    outcome: AutomationOutcome

    def matches(self, document_name: str, parameters: Mapping[str, list[str]]) -> bool:
        return document_name == self.document_name and all(
            value in parameters.get(name, []) for name, value in self.when
        )


@dataclass
class _Execution:
    execution_id: str
    document_name: str
    document_version: str
    parameters: dict[str, list[str]]
    steps: list[tuple[str, str]]
    started: datetime
    outcome: AutomationOutcome
    executed_by: str
    mode: str
    client_token: str | None = None
    cancelled_at: datetime | None = None

    def status(self, now: datetime) -> str:
        if self.cancelled_at is not None:
            return "Cancelled"
        if self.outcome.result == "Hang" or now < self._due:
            return "InProgress"
        return self.outcome.result

    @property
    def _due(self) -> datetime:
        return self.started + timedelta(seconds=self.outcome.duration_seconds)

    def ended(self, now: datetime) -> datetime | None:
        status = self.status(now)
        if status == "Cancelled":
            return self.cancelled_at
        return self._due if status in TERMINAL else None

    def failure_message(self, status: str) -> str | None:
        if status == "Failed":
            return self.outcome.failure_message or _DEFAULT_FAILURE
        if status == "TimedOut":
            return self.outcome.failure_message or _TIMED_OUT
        return None

    def metadata(self, now: datetime) -> dict[str, Any]:
        status = self.status(now)
        return _compact(
            {
                "AutomationExecutionId": self.execution_id,
                "DocumentName": self.document_name,
                "DocumentVersion": self.document_version,
                "AutomationExecutionStatus": status,
                "ExecutionStartTime": self.started,
                "ExecutionEndTime": self.ended(now),
                "ExecutedBy": self.executed_by,
                "Mode": self.mode,
                "Outputs": self.outcome.outputs if status == "Success" else {},
                "FailureMessage": self.failure_message(status),
                "AutomationType": "Local",
            }
        )

    def describe(self, now: datetime) -> dict[str, Any]:
        described = self.metadata(now)
        described.pop("AutomationType")
        described["Parameters"] = self.parameters
        described["StepExecutions"] = self._step_executions(described["AutomationExecutionStatus"])
        described["StepExecutionsTruncated"] = False
        return described

    def _step_executions(self, status: str) -> list[dict[str, Any]]:
        """The document's steps: done ones Success, the last one carrying the outcome, later ones Pending."""
        steps = []
        last = len(self.steps) - 1
        current = 0 if status in ("InProgress", "Cancelled") else last
        for index, (name, action) in enumerate(self.steps):
            if index < current:
                step_status = "Success"
            elif index == current:
                step_status = status
            else:
                step_status = "Pending"
            step: dict[str, Any] = {"StepName": name, "Action": action, "StepStatus": step_status}
            if index == current and status in ("Failed", "TimedOut"):
                step["FailureMessage"] = self.failure_message(status)
            steps.append(step)
        return steps


def is_aws_owned(document_name: str) -> bool:
    """AWS-owned documents (``AWS-RunShellScript``, ``AWSSupport-...``): in every account, not in moto."""
    return document_name.startswith("AWS")


def find_document(
    backend: SimpleSystemManagerBackend, name: str, version: str | None = None
) -> tuple[dict[str, Any], str, str] | None:
    """A document's parsed content, version and type from moto SSM; ``None`` when there is none."""
    try:
        document = backend.get_document(name, version, None, "JSON")  # type: ignore[arg-type]
    except InvalidDocument:
        return None
    content: dict[str, Any] = json.loads(document["Content"])
    return content, str(document["DocumentVersion"]), str(document.get("DocumentType"))


def page(response: SimpleSystemManagerResponse, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """One page of ``items`` under ``key`` for the request's ``MaxResults`` / ``NextToken`` (an offset)."""
    token = response._get_param("NextToken") or "0"
    if not str(token).isdigit():
        raise SSMException("InvalidNextToken", "The specified token is not valid.")
    size, offset = int(response._get_param("MaxResults") or 50), int(token)
    result: dict[str, Any] = {key: items[offset : offset + size]}
    if offset + size < len(items):
        result["NextToken"] = str(offset + size)
    return result


def _client_token(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return str(uuid.UUID(token))
    except ValueError:
        raise SSMException("ValidationException", "ClientToken must be a UUID.") from None


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def check_hooks() -> None:
    """Raise if moto's SSM requests no longer reach the response class the actions are registered on."""
    require_attributes([(ssm_urls, "url_paths"), (SimpleSystemManagerResponse, "ssm_backend")])
    dispatchers = list(ssm_urls.url_paths.values())
    if not dispatchers or any(
        getattr(dispatch, "__self__", None) is not SimpleSystemManagerResponse for dispatch in dispatchers
    ):
        raise HookMissingError("moto no longer dispatches SSM requests to SimpleSystemManagerResponse")


def _error_invalid_parameters(message: str) -> Exception:
    return SSMException("InvalidAutomationExecutionParametersException", message)


@dataclass
class SsmAutomationEmulation(Emulation):
    """Install with ``installed()`` (or ``install()`` / ``uninstall()``); configure with ``set_outcome``."""

    default: AutomationOutcome = field(default_factory=AutomationOutcome)
    _rules: list[_Rule] = field(default_factory=list)
    _executions: weakref.WeakKeyDictionary[SimpleSystemManagerBackend, dict[str, _Execution]] = field(
        default_factory=weakref.WeakKeyDictionary
    )

    # ---- configuration ---------------------------------------------------------------------
    def set_outcome(
        self, document_name: str, outcome: AutomationOutcome, when: Mapping[str, str] | None = None
    ) -> None:
        """Executions of ``document_name`` (whose parameters hold every ``when`` value) end as ``outcome``.

        A rule with more ``when`` conditions wins over one with fewer; among equals the latest wins.
        """
        with self._lock:
            self._rules.append(_Rule(document_name, tuple(sorted((when or {}).items())), outcome))

    def clear_outcomes(self) -> None:
        with self._lock:
            self._rules.clear()

    def outcome_for(self, document_name: str, parameters: Mapping[str, list[str]]) -> AutomationOutcome:
        with self._lock:
            ranked = sorted(enumerate(self._rules), key=lambda item: (len(item[1].when), item[0]))
        for _, rule in reversed(ranked):
            if rule.matches(document_name, parameters):
                return rule.outcome
        return self.default

    def _configured(self, document_name: str) -> bool:
        with self._lock:
            return any(rule.document_name == document_name for rule in self._rules)

    # ---- the four actions ------------------------------------------------------------------
    def _store(self, backend: SimpleSystemManagerBackend) -> dict[str, _Execution]:
        with self._lock:
            return self._executions.setdefault(backend, {})

    def _find(self, backend: SimpleSystemManagerBackend, execution_id: str) -> _Execution:
        execution = self._store(backend).get(execution_id)
        if execution is None:
            raise SSMException(
                "AutomationExecutionNotFoundException",
                f"There is no AutomationExecution with id: {execution_id}",
            )
        return execution

    def _steps_and_version(
        self, backend: SimpleSystemManagerBackend, name: str, version: str | None
    ) -> tuple[list[tuple[str, str]], str, dict[str, Any]]:
        try:
            found = find_document(backend, name, version)
        except InvalidDocumentVersion:
            raise SSMException(
                "AutomationDefinitionVersionNotFoundException",
                f"Document {name} has no version {version}.",
            ) from None
        if found is None:
            if is_aws_owned(name) and self._configured(name):
                return [("main", "aws:executeAwsApi")], version or "1", {}
            raise SSMException("AutomationDefinitionNotFoundException", f"Document {name} does not exist.")
        content, resolved_version, document_type = found
        if document_type != "Automation":
            raise SSMException(
                "AutomationDefinitionNotFoundException", f"Document {name} is not an Automation document."
            )
        steps = [(str(s.get("name", "")), str(s.get("action", ""))) for s in content.get("mainSteps") or []]
        return steps or [("main", "aws:sleep")], resolved_version, content

    @staticmethod
    def _check_parameters(name: str, declared: Mapping[str, Any], given: Mapping[str, list[str]]) -> None:
        for parameter in given:
            if declared and parameter not in declared:
                raise _error_invalid_parameters(f"Parameter {parameter} is not defined in document {name}.")
        for parameter, spec in declared.items():
            if isinstance(spec, dict) and "default" not in spec and parameter not in given:
                raise _error_invalid_parameters(f"Parameter {parameter} is required by document {name}.")

    def start(
        self,
        backend: SimpleSystemManagerBackend,
        name: str | None,
        version: str | None,
        parameters: dict[str, list[str]],
        mode: str,
        client_token: str | None = None,
    ) -> str:
        """Start an execution; a repeated ``client_token`` with the same request returns the first one."""
        if not name:
            raise SSMException("ValidationException", "DocumentName is required.")
        token = _client_token(client_token)
        steps, resolved_version, content = self._steps_and_version(backend, name, version)
        self._check_parameters(name, content.get("parameters") or {}, parameters)
        with self._lock:
            store = self._store(backend)
            earlier = next((e for e in store.values() if token and e.client_token == token), None)
            if earlier is not None:
                if (earlier.document_name, earlier.parameters) != (name, parameters):
                    raise SSMException(
                        "IdempotentParameterMismatch",
                        f"ClientToken {client_token} was used before with a different request.",
                    )
                return earlier.execution_id
            execution = self._new_execution(backend, name, resolved_version, parameters, steps, mode, token)
            store[execution.execution_id] = execution
        return execution.execution_id

    def _new_execution(
        self,
        backend: SimpleSystemManagerBackend,
        name: str,
        version: str,
        parameters: dict[str, list[str]],
        steps: list[tuple[str, str]],
        mode: str,
        token: str | None,
    ) -> _Execution:
        return _Execution(
            execution_id=str(uuid.uuid4()),
            document_name=name,
            document_version=version,
            parameters=parameters,
            steps=steps,
            started=self._clock.now(),
            outcome=self.outcome_for(name, parameters),
            executed_by=f"arn:aws:iam::{backend.account_id}:root",
            mode=mode,
            client_token=token,
        )

    def get(self, backend: SimpleSystemManagerBackend, execution_id: str) -> dict[str, Any]:
        return self._find(backend, execution_id).describe(self._clock.now())

    def stop(self, backend: SimpleSystemManagerBackend, execution_id: str) -> None:
        execution = self._find(backend, execution_id)
        now = self._clock.now()
        status = execution.status(now)
        if status in TERMINAL:
            raise SSMException(
                "InvalidAutomationStatusUpdateException",
                f"Automation execution {execution_id} has already ended with status {status}.",
            )
        execution.cancelled_at = now

    def describe_all(
        self, backend: SimpleSystemManagerBackend, filters: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        now = self._clock.now()
        listed = [execution.metadata(now) for execution in self._store(backend).values()]
        for entry in filters:
            key, values = entry.get("Key"), entry.get("Values") or []
            if key not in FILTER_KEYS:
                raise SSMException("InvalidFilterKey", f"Filter key {key} is not supported here.")
            listed = [item for item in listed if _passes(item, key, values)]
        listed.sort(key=lambda item: item["ExecutionStartTime"], reverse=True)
        return listed

    # ---- installation ----------------------------------------------------------------------
    def _patch(self, patches: Patches) -> None:
        check_hooks()
        emulation = self

        def start_automation_execution(response: SimpleSystemManagerResponse) -> ActionResult:
            execution_id = emulation.start(
                response.ssm_backend,
                response._get_param("DocumentName"),
                response._get_param("DocumentVersion"),
                response._get_param("Parameters") or {},
                response._get_param("Mode") or "Auto",
                response._get_param("ClientToken"),
            )
            return ActionResult({"AutomationExecutionId": execution_id})

        def get_automation_execution(response: SimpleSystemManagerResponse) -> ActionResult:
            described = emulation.get(response.ssm_backend, response._get_param("AutomationExecutionId"))
            return ActionResult({"AutomationExecution": described})

        def stop_automation_execution(response: SimpleSystemManagerResponse) -> ActionResult:
            emulation.stop(response.ssm_backend, response._get_param("AutomationExecutionId"))
            return EmptyResult()

        def describe_automation_executions(response: SimpleSystemManagerResponse) -> ActionResult:
            listed = emulation.describe_all(response.ssm_backend, response._get_param("Filters") or [])
            return ActionResult(page(response, "AutomationExecutionMetadataList", listed))

        for action in (
            start_automation_execution,
            get_automation_execution,
            stop_automation_execution,
            describe_automation_executions,
        ):
            patches.set(SimpleSystemManagerResponse, action.__name__, action)


def _passes(item: dict[str, Any], key: str, values: list[str]) -> bool:
    if key == "DocumentNamePrefix":
        return any(str(item["DocumentName"]).startswith(value) for value in values)
    if key == "ExecutionStatus":
        return item["AutomationExecutionStatus"] in values
    if key == "ExecutionId":
        return item["AutomationExecutionId"] in values
    try:
        moment = datetime.fromisoformat(values[0].replace("Z", "+00:00"))
    except (IndexError, ValueError):
        raise SSMException("InvalidFilterValue", f"{key} takes one ISO 8601 time, not {values}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    started: datetime = item["ExecutionStartTime"]
    return started < moment if key == "StartTimeBefore" else started > moment
