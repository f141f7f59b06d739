"""Continue-as-new: which state machine execution drives a run, and the handover to a fresh one.

Step Functions fails an execution whose history reaches 25,000 events, and nothing in its
definition can catch that. A run can last days (a long approval, a day of health gates), so each
execution hands the run over after ``EngineConfig.handover_ticks`` ticks: it records its successor
on the run's header (in the tick's own write, under the header's version), starts it, and ends.
Only the execution recorded on the header acts on the run; any other that reaches a step stops
there, after making sure the recorded one was started (a step retried after its handover).

The successor is named after the run and its generation, so starting it twice starts it once.
Operator requests stay stored on the run while no execution waits: the successor's first tick acts
on them.
"""

from __future__ import annotations

from datetime import datetime

from drs_orchestration.domain.engine.context import Tick
from drs_orchestration.domain.models.execution import EngineExecution, EventType

__all__ = ["claim", "driven_elsewhere", "hand_over", "start_successor"]


def driven_elsewhere(tick: Tick, own: str | None) -> bool:
    """Whether another execution drives this unfinished run; it is started if it was not yet.
    ``own`` is ``None`` for an execution of the previous release, which carries no identity."""
    engine = tick.header.engine
    if own is None or engine is None or engine.arn == own or tick.header.is_terminal:
        return False
    start_successor(tick)
    return True


def claim(tick: Tick, own: str | None, now: datetime) -> None:
    """Record ``own`` as the execution driving the run (a start, a reopen), unless it already is."""
    engine = tick.header.engine
    if own is None or (engine is not None and engine.arn == own):
        return
    generation = engine.generation + 1 if engine is not None else 0
    tick.set_header(engine=EngineExecution(arn=own, generation=generation, since=now))


def hand_over(tick: Tick, own: str | None, ticks: int) -> bool:
    """Record the successor when this execution has run its ticks; ``True`` when it must then stop.
    Never with a Lambda action to hand to the state machine: the next tick hands over instead."""
    executions, engine = tick.ports.engine_executions, tick.header.engine
    if executions is None or own is None or engine is None or engine.arn != own:
        return False
    if ticks < tick.config.handover_ticks or tick.invoke is not None:
        return False
    generation = engine.generation + 1
    successor = executions.successor(own, f"{tick.header.id}-g{generation}")
    tick.set_header(
        engine=EngineExecution(arn=successor, generation=generation, since=tick.now),
        task_token=None,
    )
    tick.event(
        EventType.ENGINE_HANDED_OVER,
        f"the run continues in a fresh engine execution (generation {generation}) after {ticks} steps,"
        " within Step Functions' history limit",
        generation=generation,
    )
    return True


def start_successor(tick: Tick) -> None:
    """Start the execution the header records (nothing happens when it was started already)."""
    executions, engine = tick.ports.engine_executions, tick.header.engine
    if executions is not None and engine is not None:
        executions.start(engine.arn, tick.header.id)
