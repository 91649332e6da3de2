from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_LIST = ROOT / "tests" / "fixtures" / "memorization"


@pytest.fixture
def small_list(tmp_path: Path) -> Path:
    """A copy of the small memorization list, safe to modify."""
    target = tmp_path / "entries"
    shutil.copytree(FIXTURE_LIST, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _own_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The key that seals the build's cache files (generator.cachefile) lives in the cache home: the
    tests get one of their own, never the user's."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.fixture(autouse=True)
def _in_tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages show paths relative to the working directory; make that the test's tmp dir."""
    monkeypatch.chdir(tmp_path)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
