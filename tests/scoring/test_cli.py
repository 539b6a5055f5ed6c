"""`python -m scoring` through a real process: each verb, `-` for stdin, --help, exit statuses,
and every class of bad input (exit 2, nothing on stdout, the Chinese messages, no traceback)."""

import json

import pytest

from scoring import build_package

from .bad_inputs import CASES, BadInput, as_json, base_allocation, base_contest
from .builders import DATA, ROOT, run_cli

EXAMPLE = DATA / "scoring_md_example.json"


def assert_refused(done: object, *fragments: str) -> str:
    assert done.returncode == 2, done.stderr  # type: ignore[attr-defined]
    assert done.stdout == ""  # type: ignore[attr-defined]
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr
    return stderr


def test_help_lists_the_verbs_in_chinese_and_english() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    for word in ("recompute", "allocate", "verify", "judges", "退出码", "exit status"):
        assert word in done.stdout


def test_recompute_a_file_prints_the_result_json() -> None:
    done = run_cli("recompute", str(EXAMPLE))
    assert (done.returncode, done.stderr) == (0, "")
    output = json.loads(done.stdout)
    assert [row["total"] for row in output["contestants"]] == ["60.30", "0.00"]


def test_recompute_reads_stdin_for_a_dash() -> None:
    done = run_cli("recompute", "-", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(run_cli("recompute", str(EXAMPLE)).stdout)


def test_the_input_hash_is_the_same_however_the_file_is_laid_out() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    compact = json.dumps(data, separators=(",", ":"))
    reordered = json.dumps(dict(reversed(list(data.items()))), indent=4, ensure_ascii=True)
    hashes = {json.loads(run_cli("recompute", "-", stdin=text).stdout)["input_sha256"]
              for text in (compact, reordered)}
    assert hashes == {"503383418a208abe403d3bb0784bab55430f0ffce20988aef606a930effe6bd4"}


def test_allocate_judges_and_verify_through_the_cli() -> None:
    allocation = run_cli("allocate", "-", stdin=json.dumps(base_allocation()))
    assert allocation.returncode == 0
    assert json.loads(allocation.stdout)["allocated"] == "50.00"
    judges = run_cli("judges", "-", stdin=json.dumps(base_contest()))
    assert judges.returncode == 0
    assert [row["judge"] for row in json.loads(judges.stdout)["rounds"]["plan"]] == ["J01", "J02", "J03"]


def test_verify_prints_identical_and_the_package_hash() -> None:
    package = build_package("recompute", json.loads(EXAMPLE.read_text(encoding="utf-8")), "2022-12-20", 1)
    done = run_cli("verify", "-", stdin=json.dumps(package, ensure_ascii=False))
    lines = done.stdout.splitlines()
    assert (done.returncode, len(lines), lines[0], done.stderr) == (0, 2, "一致 (identical)", "")
    assert len(lines[1]) == 64 and set(lines[1]) <= set("0123456789abcdef")


def test_verify_exits_1_with_one_line_per_difference() -> None:
    package = build_package("recompute", json.loads(EXAMPLE.read_text(encoding="utf-8")), "2022-12-20", 1)
    package["result"]["contestants"][0]["total"] = "60.31"
    done = run_cli("verify", "-", stdin=json.dumps(package, ensure_ascii=False))
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == "contestants[0].total: published 60.31, recomputed 60.30\n"


def test_verify_catches_a_changed_mark_that_moves_no_figure_through_the_input_hash() -> None:
    done = run_cli("verify", str(ROOT / "docs/examples/package-small-tampered.json"))
    assert (done.returncode, done.stderr) == (1, "")
    published, recomputed = ("9174d284bc8ab5218a8940bfd4fd4b3c04f59814253af746286adbfc4e7cc8dc",
                             "c481d1081752ee2ef2cf7ee5e80df5ae93ee70edd723bdf3577fe70b42ea38d3")
    assert done.stdout == f"input_sha256: published {published}, recomputed {recomputed}\n"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_bad_input_exits_2_with_its_messages_on_stderr(case: BadInput) -> None:
    done = run_cli(case.verb, "-", stdin=as_json(case.data()))
    assert assert_refused(done) == "".join(f"{message}\n" for message in case.messages)


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"places": 2,', "JSON 无法解析 (invalid JSON)：第 1 行第 14 列"),
        ("", "JSON 无法解析 (invalid JSON)"),
        ('{"places": 2, "places": 3}', '(顶层 top level)：字段 "places" 重复出现 (duplicate key)'),
        ("[NaN]", "(顶层 top level)：应为对象 (object)，实为 数组 (array)"),
        ('{"places": Infinity}', "places：应为 JSON 整数 (integer)，实为 数字 (number) Infinity"),
        ("[" * 100000 + "]" * 100000, "JSON 嵌套过深 (nested too deeply)"),
    ],
    ids=["truncated", "empty", "duplicate key", "NaN", "Infinity", "deep nesting"],
)
def test_unreadable_json_exits_2_naming_the_problem(stdin: str, message: str) -> None:
    assert_refused(run_cli("recompute", "-", stdin=stdin), message)


def test_a_file_that_is_not_utf8_exits_2() -> None:
    assert_refused(run_cli("recompute", "-", stdin=b'{"places": "\xff"}'), "文件不是 UTF-8 编码 (not UTF-8)")


def test_a_lone_surrogate_escape_exits_2_naming_its_place() -> None:
    text = as_json(base_contest()).replace('"group":"village"', '"group":"village","name":"\\udc80"', 1)
    assert_refused(run_cli("recompute", "-", stdin=text),
                   "contestants[0].name：字符串没有 UTF-8 形式 (lone surrogate, no UTF-8 form)")


def test_a_missing_file_exits_2() -> None:
    assert_refused(run_cli("recompute", str(ROOT / "no-such-file.json")), "无法读取文件 (cannot read file)")


def test_an_unknown_verb_exits_2_with_usage() -> None:
    done = run_cli("rank", "-")
    assert (done.returncode, done.stdout) == (2, "")
    assert "usage" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_package_exits_2() -> None:
    assert_refused(run_cli("verify", "-", stdin='{"kind": "recompute"}'),
                   '(顶层 top level)：缺少字段 (missing field) "input"')
