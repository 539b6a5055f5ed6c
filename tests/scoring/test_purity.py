"""The scoring core imports nothing but the standard library (and itself, relatively)."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "scoring"
MODULES = sorted(PACKAGE.glob("*.py"))


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every absolute import; relative imports are skipped."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def test_the_package_has_modules() -> None:
    assert len(MODULES) >= 10


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_every_import_is_from_the_standard_library(path: Path) -> None:
    foreign = [(line, name) for line, name in imported_modules(path)
               if name not in sys.stdlib_module_names and name != "__future__"]
    assert foreign == [], f"{path.name} imports outside the standard library: {foreign}"


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_every_module_has_a_one_line_docstring_and_no_float(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring and docstring.splitlines()[0].strip()
    floats = [node.lineno for node in ast.walk(tree)
              if (isinstance(node, ast.Name) and node.id == "float" and isinstance(node.ctx, ast.Load)
                  and not _in_isinstance(tree, node))
              or (isinstance(node, ast.Constant) and isinstance(node.value, float))]
    assert floats == [], f"{path.name} uses floats at lines {floats}"


def _in_isinstance(tree: ast.AST, name: ast.Name) -> bool:
    """`isinstance(x, (int, float))` only recognises a float from elsewhere; it makes none."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
                and any(name is inner for arg in node.args[1:] for inner in ast.walk(arg))):
            return True
    return False


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_no_module_is_over_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
