"""The product's version, written in one place: ``[project] version`` of ``pyproject.toml``.

The API's ``/me`` answers it (the console's footer shows it from there) and ``drs-orch --version``
prints it. In the repository the file is two folders up from this module; in a deployed function
package ``deploy.sh`` puts it at the package's root, one folder up. An installed distribution without
the file answers its own metadata.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

__all__ = ["DISTRIBUTION", "UNKNOWN", "product_version"]

DISTRIBUTION = "drs-orchestration"
UNKNOWN = "0+unknown"


def _from_project_file(folder: Path) -> str | None:
    candidate = folder / "pyproject.toml"
    if not candidate.is_file():
        return None
    project = tomllib.loads(candidate.read_text(encoding="utf-8")).get("project", {})
    if project.get("name") != DISTRIBUTION or "version" not in project:
        return None
    return str(project["version"])


@lru_cache(maxsize=1)
def product_version() -> str:
    here = Path(__file__).resolve().parent
    for folder in (here.parent, here.parent.parent):
        found = _from_project_file(folder)
        if found:
            return found
    from importlib import metadata  # only without the file: an installed distribution

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN
