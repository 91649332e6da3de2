"""`python -m generator ... | head -1`: a reader that stops early is no error and prints nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEED = ROOT / "tests" / "fixtures" / "arxiv" / "2008.03703.xml"
SIGPIPE_STATUS = 141  # 128 + SIGPIPE, what a shell shows for `yes` in `yes | head -1`


def start(*args: str, unbuffered: bool = False) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update({"PYTHONPATH": str(ROOT), "ARXIV_API_URL": "http://127.0.0.1:9/unused"}, **({"PYTHONUNBUFFERED": "1"} if unbuffered else {}))
    return subprocess.Popen([sys.executable, "-m", "generator", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def write_many(entries: Path, count: int) -> None:
    """Papers enough for `dump` to write more than a pipe holds (64 KB on Linux)."""
    for n in range(count):
        words = hashlib.sha256(str(n).encode()).hexdigest()
        (entries / "memorization" / f"paper{n}.yaml").write_text(
            f"id: paper{n}\ntitle: {words[:10]} {words[10:20]} {words[20:30]}\nauthors: [A. Author]\nyear: 2020\n"
            f"links: {{paper: 'https://example.org/{n}'}}\nkeywords: [Memorization]\ndigest: {'Findings, found. ' * 20}\n",
            encoding="utf-8")


def test_dump_into_a_reader_that_takes_one_line(small_list: Path) -> None:
    write_many(small_list, 300)
    process = start("dump", "--entries", str(small_list))
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"[\n"
    process.stdout.close()  # as `head -1` does: the rest does not fit in the pipe
    assert (process.wait(timeout=60), process.stderr.read()) == (SIGPIPE_STATUS, b"")


@pytest.mark.parametrize(
    ("args", "unbuffered", "expected_err"),
    [
        (["new", "2008.03703", "--atom-file", str(FEED)], False, ""),
        (["new", "2008.03703", "--atom-file", str(FEED)], True, ""),
        (["dump"], False, ""),
        # its warnings go to standard output, its summary to standard error: buffered, the warnings
        # fail only at the end, after the summary; unbuffered, the first warning stops it
        (["check"], False, "4 valid entries; 0 error(s), 1 warning(s)\n"),
        (["check"], True, ""),
    ],
)
def test_a_pipe_closed_before_the_first_line(args: list[str], unbuffered: bool, expected_err: str, small_list: Path) -> None:
    process = start(*args, "--entries", str(small_list), unbuffered=unbuffered)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before Python has even started: the first write finds no reader
    assert (process.wait(timeout=60), process.stderr.read().decode()) == (SIGPIPE_STATUS, expected_err)
    if args[0] == "new":  # the file was written before the report was printed
        assert (small_list / "memorization" / "feldman2020neural.yaml").is_file()
