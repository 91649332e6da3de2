"""The package reads like the pipeline: commands -> site -> list -> text, imports pointing down only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
STAGES = ("text", "list", "site", "commands")  # lowest first
SHARED = ("model", "errors", "cachefile", "forked")  # on top, usable by every stage
TOP = ("cli", "__main__", "__init__")


def stage_of(module: str) -> str:
    """`generator.site.render` -> "site"; `generator.model` -> "model"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every generator module the file imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("generator")]
        elif isinstance(node, ast.ImportFrom) and node.level:  # relative: the direction could not be read off it
            found.append((node.lineno, "." * node.level + (node.module or "")))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            names = [f"{node.module}.{alias.name}" if node.module.count(".") == 0 else node.module for alias in node.names]
            found += [(node.lineno, name) for name in names]
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_stage_or_on_top() -> None:
    loose = [p.relative_to(PACKAGE).as_posix() for p in modules()
             if p.parent == PACKAGE and p.stem not in SHARED + TOP]
    assert loose == []
    # a stage may hold subpackages of its own (commands/readme_import); the first folder is the stage
    assert {p.relative_to(PACKAGE).parts[0] for p in modules() if p.parent != PACKAGE} == set(STAGES)
    for package in sorted({p.parent for p in modules() if p.parent != PACKAGE}):
        assert (package / "__init__.py").read_text(encoding="utf-8").startswith('"""'), package.relative_to(PACKAGE)


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_down(path: Path) -> None:
    here = stage_of("generator." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    wrong = []
    for line, module in imports_of(path):
        if module.startswith("."):
            wrong.append(f"{path.relative_to(PACKAGE)}:{line}: relative import {module}; write generator.<stage>.<module>")
            continue
        there = stage_of(module)
        if here in TOP or there in SHARED:
            continue
        if here in SHARED or there in TOP or STAGES.index(there) > STAGES.index(here):
            wrong.append(f"{path.relative_to(PACKAGE)}:{line}: a {here} module imports {module}")
    assert wrong == []
