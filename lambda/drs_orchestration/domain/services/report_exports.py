"""The run's report as one CSV file, however many servers the run has.

A CSV of at most ``CSV_INLINE_BYTES`` is answered in the response itself. A larger one would not fit
Lambda's 6 MB synchronous response at a few thousand servers (each row carries up to 2,000 characters of
command output per health-gate document), so it is written to the stack's reports bucket and handed out
as a presigned link that lasts ``EXPORT_LINK_SECONDS``; the bucket expires the files after a day.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from drs_orchestration.domain.models.base import CamelModel
from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.domain.services.errors import EngineUnavailable
from drs_orchestration.domain.services.execution_reports import ExecutionReport, full_report, report_csv

__all__ = [
    "CSV_INLINE_BYTES",
    "EXPORT_LINK_SECONDS",
    "ReportExport",
    "ReportStorageUnavailable",
    "export_csv",
    "export_csv_link",
    "report_file_name",
]

CSV_INLINE_BYTES = 1024 * 1024
"""The largest CSV answered inline (far under Lambda's 6 MB once wrapped in the proxy response)."""
EXPORT_LINK_SECONDS = 300
"""How long a link to an exported report works."""


class ReportExport(CamelModel):
    """Where to download the report's CSV, without credentials, until ``expiresAt``."""

    url: str
    expires_at: datetime
    file_name: str
    rows: int
    """Server rows in the file (one per server of the run)."""
    size_bytes: int


class ReportStorageUnavailable(EngineUnavailable):
    """The report is too large to answer inline and no reports bucket is configured (503)."""

    code = "REPORT_STORAGE_UNAVAILABLE"


def report_file_name(report: ExecutionReport) -> str:
    """``<plan name>-<execution id>.csv``, the plan's name reduced to letters, digits, ``-`` and ``_``."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", report.execution.plan_name).strip("-")
    return f"{safe or 'report'}-{report.execution.id}.csv"


def _publish(services: Services, report: ExecutionReport, body: bytes, now: datetime) -> ReportExport:
    if services.reports is None:
        raise ReportStorageUnavailable(
            "the report is too large to answer inline and this deployment has no reports bucket"
        )
    digest = hashlib.sha256(body).hexdigest()[:16]
    key = f"reports/{report.execution.id}/{now:%Y%m%dT%H%M%SZ}-{digest}.csv"
    file_name = report_file_name(report)
    url = services.reports.publish(
        key,
        body,
        content_type="text/csv; charset=utf-8",
        file_name=file_name,
        expires_in_seconds=EXPORT_LINK_SECONDS,
    )
    return ReportExport(
        url=url,
        expires_at=now + timedelta(seconds=EXPORT_LINK_SECONDS),
        file_name=file_name,
        rows=len(report.servers),
        size_bytes=len(body),
    )


def export_csv(
    services: Services, execution_id: str, request: Request, *, inline_up_to: int = CSV_INLINE_BYTES
) -> str | ReportExport:
    """The report's CSV (every server): the text itself when it takes at most ``inline_up_to`` bytes,
    otherwise a link to it in the reports bucket."""
    report = full_report(services, execution_id, request)
    text = report_csv(report)
    body = text.encode()
    if len(body) <= inline_up_to:
        return text
    return _publish(services, report, body, request.now)


def export_csv_link(services: Services, execution_id: str, request: Request) -> ReportExport:
    """The report's CSV in the reports bucket, however small: a link to it."""
    report = full_report(services, execution_id, request)
    return _publish(services, report, report_csv(report).encode(), request.now)
