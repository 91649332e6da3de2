"""What a pull request touches: the list files changed since a git base, and the problems that are theirs.

`check FILE...` and `check --changed BASE` report the problems of some files only, so that a
contributor sees their own file's warnings and not the list's old ones. Checks across files still
compare against the whole list: a duplicate is reported when either of its two files is named.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import replace

from generator.errors import Problem
from generator.list.source import display_path

# tried in order when --changed names no base: the remote's default branch, then the usual names
DEFAULT_BASES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")


class GitError(ValueError):
    """git is missing, the folder is not a repository, or the base is unknown: said in plain words."""


class NoGit(GitError):
    """git is not installed."""


def _git(args: Sequence[str], cwd: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise NoGit("git is not installed; name the files instead: python -m generator check FILE...") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {' '.join(args)} failed")
    return done.stdout


def default_base(cwd: str) -> str:
    for base in DEFAULT_BASES:
        try:
            _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd)
        except GitError:
            continue
        return base
    raise GitError(f"none of {', '.join(DEFAULT_BASES)} is known here; name the base (--changed origin/main) or the files")


def changed_files(entries_dir: str, base: str | None = None) -> list[str]:
    """The .yaml files under `entries_dir` added, changed or renamed since the merge base of `base`
    and HEAD, uncommitted and untracked ones included; deleted files are not there to check."""
    folder = os.path.abspath(entries_dir)
    try:
        _git(["rev-parse", "--is-inside-work-tree"], folder)
    except NoGit:
        raise
    except GitError:  # a downloaded archive, say: there is no branch to compare with
        raise GitError(f"{display_path(folder)} is not in a git checkout; name the files instead: python -m generator check FILE...") from None
    base = base or default_base(folder)
    try:
        fork = _git(["merge-base", base, "HEAD"], folder).strip()
    except GitError as exc:
        raise GitError(f"cannot compare with {base}: {exc} (fetch it first: git fetch origin)") from None
    top = _git(["rev-parse", "--show-toplevel"], folder).strip()
    listed = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=ACMRT", fork, "--", folder], folder).split("\0")
    listed += _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", folder], folder).split("\0")
    paths = {os.path.join(top, name) for name in listed if name.endswith(".yaml")}
    return sorted(path for path in paths if os.path.isfile(path))


def strict(problem: Problem) -> Problem:
    """A warning as `check --strict` reports it: an error that says why."""
    if problem.severity != "warning":
        return problem
    return replace(problem, severity="error", message=f"{problem.message} (an error under --strict)")


def in_scope(problems: Iterable[Problem], files: Iterable[str], make_strict: bool) -> list[Problem]:
    """The problems of `files` (and of pairs one of them belongs to), warnings made errors when
    `make_strict`; an error in any other file stays too, since it stops the build all the same."""
    named = {display_path(os.path.abspath(path)) for path in files}
    kept = []
    for problem in problems:
        mine = problem.path in named or bool(named.intersection(problem.related))
        if mine and make_strict:
            problem = strict(problem)
        if mine or problem.severity == "error":
            kept.append(problem)
    return kept


def outside(files: Iterable[str], entries_dir: str) -> list[Problem]:
    """Named files that are not files of the list: a typo in a path must not pass as 'no problems'."""
    root = os.path.abspath(entries_dir)
    problems = []
    for path in files:
        full = os.path.abspath(path)
        if not os.path.isfile(full):
            problems.append(Problem(display_path(full), 0, "no such file"))
        elif os.path.commonpath([root, full]) != root or not full.endswith(".yaml"):
            problems.append(Problem(display_path(full), 0, f"not a .yaml file of the list in {display_path(root)}"))
    return problems
