"""The console is rebuilt only when a source is newer than the build."""

from __future__ import annotations

import os
from pathlib import Path

from drs_local.mode.console import build_is_current


def _console(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.tsx").write_text("x")
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<html></html>")
    for path, stamp in ((tmp_path / "src" / "main.tsx", 100), (tmp_path / "package.json", 100)):
        os.utime(path, (stamp, stamp))
    os.utime(tmp_path / "dist" / "index.html", (200, 200))
    return tmp_path


def test_build_is_current_when_no_source_changed_since(tmp_path: Path) -> None:
    assert build_is_current(_console(tmp_path))


def test_build_is_stale_when_a_source_is_newer(tmp_path: Path) -> None:
    frontend = _console(tmp_path)
    os.utime(frontend / "src" / "main.tsx", (300, 300))
    assert not build_is_current(frontend)


def test_build_is_stale_when_there_is_none(tmp_path: Path) -> None:
    frontend = _console(tmp_path)
    (frontend / "dist" / "index.html").unlink()
    assert not build_is_current(frontend)
