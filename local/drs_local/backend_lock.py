"""One lock around every call into moto's backends, so threads never see a backend mid-change.

moto's backends are plain dictionaries and lists, written and read with no lock of their own. Local
mode serves requests on several threads (the API front, Step Functions execution threads, in-process
Lambda invocations, the EventBridge drainer, the DRS simulator's EC2 mirror); one thread's write
while another iterates a table answers ``RuntimeError: dictionary changed size during iteration``
as a 500. ``drs_local.moto_hooks.SerializedBackends`` runs every request one at a time under
:data:`BACKENDS`:

* in-process (``mock_aws``): around the botocore stubber that answers each request;
* in server mode (``ThreadedMotoServer``): around the server's request dispatch.

The lock is re-entrant (an emulation that answers a request may call moto again on the same thread)
and is let go, never held, while the request waits for another thread that may call moto itself:
an in-process Lambda invocation runs its handler with the lock let go (:meth:`BackendLock.released`), and an
SQS long poll waits for messages with it released.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["BACKENDS", "BackendLock"]


class BackendLock:
    """A re-entrant lock that its owner can let go of entirely for a while (:meth:`released`)."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._condition:
            if self._owner == me:
                self._depth += 1
                return
            self._condition.wait_for(lambda: self._owner is None)
            self._owner, self._depth = me, 1

    def release(self) -> None:
        with self._condition:
            if self._owner != threading.get_ident():
                raise RuntimeError("the backend lock is not held by this thread")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._condition.notify()

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    @contextmanager
    def hold(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let go of the lock (all levels) for the block if this thread holds it; take it back after."""
        me = threading.get_ident()
        with self._condition:
            depth = self._depth if self._owner == me else 0
            if depth:
                self._owner, self._depth = None, 0
                self._condition.notify()
        try:
            yield
        finally:
            if depth:
                with self._condition:
                    self._condition.wait_for(lambda: self._owner is None)
                    self._owner, self._depth = me, depth


#: moto's backends live once per process, and so does the lock that guards them.
BACKENDS = BackendLock()
