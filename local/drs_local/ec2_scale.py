"""moto's EC2 at the scale of thousands of recovery instances: finding one instance by its ID.

moto finds an instance by ID (``InstanceBackend.get_instance``) by copying every reservation and walking
every instance, and RunInstances does so for each volume it attaches: the DRS simulator's EC2 mirror
creating the 4,000 instances of a drill costs O(instances) each, O(instances squared) in all, while
the simulator waits for it. moto never removes an instance from its reservations (a terminated one
stays listed), so an instance found once stays the one to return. Installed, ``get_instance`` answers
from an index of ID to instance kept on the backend; an ID not in it yet is looked for in the
reservations newest first (an instance being created is in the last one), and an ID that is in no
reservation still gets moto's own error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.ec2.models.instances import InstanceBackend

from .moto_hooks import Hooks, Patches, require_attributes

__all__ = ["LeanEc2"]

_INDEX = "_local_runtime_instances_by_id"


def _get_instance(original: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    @functools.wraps(original)
    def get_instance(backend: Any, instance_id: str) -> Any:
        index: dict[str, Any] = backend.__dict__.setdefault(_INDEX, {})
        if instance_id not in index:
            # newest first: an instance being created is in the last reservation
            for reservation in reversed(list(backend.reservations.values())):
                index.update((instance.id, instance) for instance in reservation.instances)
                if instance_id in index:
                    break
        found = index.get(instance_id)
        return found if found is not None else original(backend, instance_id)

    return get_instance


class LeanEc2(Hooks):
    """Install with ``installed()`` (or ``install()`` / ``uninstall()``). Requests into moto must be
    serialized (``SerializedBackends``): the index is read and rebuilt without a lock of its own."""

    def __init__(self) -> None:
        self._patches = Patches()

    def _patch(self, patches: Patches) -> None:
        require_attributes([(InstanceBackend, "get_instance")])
        patches.set(InstanceBackend, "get_instance", _get_instance(InstanceBackend.get_instance))
