"""Install and build the console (``frontend/``) when needed: ``npm ci`` when ``node_modules`` is missing
or was installed from another lock file, ``npm run build`` when ``dist/`` is older than any source."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["ConsoleBuildError", "build_is_current", "ensure_console"]

INSTALLED_MARKER = Path("node_modules") / ".package-lock.json.installed"
_SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
)


class ConsoleBuildError(RuntimeError):
    """npm is missing or a step failed."""


def _files(frontend: Path) -> Iterator[Path]:
    for name in _SOURCES:
        path = frontend / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (item for item in path.rglob("*") if item.is_file())


def build_is_current(frontend: Path) -> bool:
    """``dist/index.html`` exists and is newer than every source file of the console."""
    built = frontend / "dist" / "index.html"
    if not built.is_file():
        return False
    stamp = built.stat().st_mtime
    return all(path.stat().st_mtime <= stamp for path in _files(frontend))


def _installed_is_current(frontend: Path) -> bool:
    marker = frontend / INSTALLED_MARKER
    lock = frontend / "package-lock.json"
    return marker.is_file() and lock.is_file() and marker.read_bytes() == lock.read_bytes()


def _npm(frontend: Path, *arguments: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise ConsoleBuildError("npm is not installed; install Node.js 20.19 or later to build the console")
    result = subprocess.run([npm, *arguments], cwd=frontend, check=False)  # noqa: S603 - fixed arguments
    if result.returncode != 0:
        raise ConsoleBuildError(f"npm {' '.join(arguments)} failed with exit code {result.returncode}")


def ensure_console(frontend: Path, say: Callable[[str], None]) -> bool:
    """Install and build as needed; ``True`` when a build ran."""
    if build_is_current(frontend):
        return False
    if not _installed_is_current(frontend):
        say("installing the console's npm packages (npm ci)")
        _npm(frontend, "ci", "--no-audit", "--no-fund", "--loglevel=error")
        shutil.copyfile(frontend / "package-lock.json", frontend / INSTALLED_MARKER)
    say("building the console (npm run build)")
    _npm(frontend, "run", "--silent", "build")
    return True
