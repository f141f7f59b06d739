"""Wave gates: pre/post actions (``actions``) and the health gate (``health``).

Each gate moves one wave as far as it can now and says whether it is done. Timeouts are measured by
the clock from when the action or gate started, never by adding up waits.
"""

from drs_orchestration.domain.engine.gates.actions import run_actions
from drs_orchestration.domain.engine.gates.common import NO_HEALTH_DOCUMENT, Gate
from drs_orchestration.domain.engine.gates.health import run_health_check

__all__ = ["NO_HEALTH_DOCUMENT", "Gate", "run_actions", "run_health_check"]
