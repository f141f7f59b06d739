"""What a route reads from the request it serves: the use cases' ports and the request's actor and time.

The parts come from the composition root (:mod:`drs_orchestration.composition.api`), put in the request
context by the resolver; the time is the product's clock, so every record, audit entry and timeline
event of a request carries the same clock as the engine's.
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from drs_orchestration.domain.services.context import Request, Services
from drs_orchestration.handlers.api.resolver import api_parts, current_principal

__all__ = ["get_services", "service_request"]


def get_services(router: Router) -> Services:
    return api_parts(router).services


def service_request(router: Router) -> Request:
    """The signed-in caller, at the product's current time."""
    return Request(actor=current_principal(router).actor, now=api_parts(router).clock.now())
