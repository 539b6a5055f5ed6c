"""The worked examples of docs/RECOMPUTE.md, re-run: every console block matches the real output."""

import hashlib
import json
import re
import shlex

import pytest

from .builders import ROOT, run_cli

PAGE = ROOT / "docs" / "RECOMPUTE.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def console_blocks() -> list[str]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def transcript_steps(block: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a `$ command` transcript."""
    steps: list[tuple[str, str]] = []
    for line in block.splitlines(keepends=True):
        if line.startswith("$ "):
            steps.append((line[2:].strip(), ""))
        else:
            command, output = steps[-1]
            steps[-1] = (command, output + line)
    return steps


def test_the_page_has_its_worked_examples() -> None:
    commands = [command for block in console_blocks() for command, _ in transcript_steps(block)]
    assert [c.split()[3] for c in commands if c.startswith("python")] == [
        "recompute", "verify", "verify", "allocate", "recompute", "judges"]


@pytest.mark.parametrize("block", console_blocks(), ids=lambda block: block.splitlines()[0][2:60])
def test_each_console_block_is_the_real_output(block: str) -> None:
    status = None
    for command, expected in transcript_steps(block):
        words = shlex.split(command)
        if words == ["echo", "$?"]:
            assert expected == f"{status}\n"
            continue
        merge = words[-1] == "2>&1"
        assert words[:3] == ["python", "-m", "scoring"]
        done = run_cli(*(words[3:-1] if merge else words[3:]))
        status = done.returncode
        assert done.stdout + (done.stderr if merge else "") == expected


def test_the_package_hash_on_the_page_is_computed_without_the_project() -> None:
    package = json.loads((ROOT / "docs/examples/package-small.json").read_text(encoding="utf-8"))
    core = {key: package[key] for key in ("kind", "input", "result")}
    text = json.dumps(core, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    page = PAGE.read_text(encoding="utf-8")
    assert f"# {digest}" in page
    assert f"一致 (identical)\n{digest}\n" in page
