"""Lambda entry points of the execution engine (the state machine's tasks, the DRS event rule's
target, the drill clean-up schedule's target)."""
