"""The layer contracts (.importlinter, `lint-imports`): kept by the tree, broken by a copy with one import added."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")
SCORING = "The scoring core imports nothing of the app and no web, database or document library"
PLUMBING = "Plumbing imports no capability (and nothing of the factory)"
LAYERS = "The capabilities in named layers, each importing only its own layer and those below"
ACYCLIC = "No cycle between any two packages (or modules) of app"


def lint(where: Path) -> tuple[int, str]:
    result = subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120)
    return result.returncode, re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # its colours


def verdicts(output: str) -> dict[str, str]:
    """Each contract's name -> KEPT or BROKEN, from the summary lines."""
    found = {}
    for line in output.splitlines():
        name, _, verdict = line.strip().rpartition(" ")
        if verdict in ("KEPT", "BROKEN") and name:
            found[name] = verdict
    return found


def test_the_tree_keeps_every_contract() -> None:
    code, output = lint(ROOT)
    assert verdicts(output) == {SCORING: "KEPT", PLUMBING: "KEPT", LAYERS: "KEPT", ACYCLIC: "KEPT"}, output
    assert code == 0


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages and the contracts, without caches, to add one import at a time to."""
    where = tmp_path_factory.mktemp("tree")
    for package in ("app", "scoring"):
        shutil.copytree(ROOT / package, where / package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / ".importlinter", where / ".importlinter")
    return where


# (module, the import added to it, the contracts it breaks)
ADDED = [
    # A cycle inside one layer (materials already imports entries): only the no-cycle contract sees it.
    ("app/entries/models.py", "import app.materials.models", {ACYCLIC}),
    # Reference data importing assignment (judges import places): a layer upside down, and a cycle.
    ("app/places/models.py", "import app.judges.models", {LAYERS, ACYCLIC}),
    # Plumbing importing a capability (accounts imports errors): what errors.py did before. The places, below
    # accounts, import errors too: through it they would reach a layer above them.
    ("app/errors.py", "import app.accounts.forms", {PLUMBING, LAYERS, ACYCLIC}),
    # Product code importing the demo.
    ("app/people/imports.py", "import app.demo.cityplan", {LAYERS}),
    # The core importing the web stack.
    ("scoring/__init__.py", "import flask", {SCORING}),
]


@pytest.mark.parametrize(("module", "line", "broken"), ADDED, ids=[m for m, _, _ in ADDED])
def test_one_import_added_breaks_the_contracts_it_should(copy: Path, module: str, line: str, broken: set[str]) -> None:
    path = copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}  # added by the test\n", encoding="utf-8")
    try:
        code, output = lint(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    expected = {name: "BROKEN" if name in broken else "KEPT" for name in (SCORING, PLUMBING, LAYERS, ACYCLIC)}
    assert verdicts(output) == expected, output
    assert code == 1
