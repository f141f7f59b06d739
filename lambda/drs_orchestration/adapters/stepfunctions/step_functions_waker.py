"""Waking a waiting run: SendTaskSuccess on its WaitForChange task token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

__all__ = ["StepFunctionsWaker"]

_GONE = {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"}


class StepFunctionsWaker:
    """Completes a WaitForChange task token; a token already used or expired is not an error."""

    def __init__(self, client: SFNClient) -> None:
        self.client = client

    def wake(self, task_token: str, reason: str) -> bool:
        try:
            self.client.send_task_success(taskToken=task_token, output=json.dumps({"wokenBy": reason[:1000]}))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _GONE:
                return False
            raise
        return True
