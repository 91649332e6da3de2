"""The GitHub side: workflows (actionlint and their security properties), the issue form, the
pull-request template, pre-commit hooks and `check --format github` annotations."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pre_commit.clientlib import load_config

from generator.cli import main, parser
from generator.commands.annotations import annotation
from generator.errors import Problem
from generator.list.source import read_list

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent  # the test dependencies' executables sit beside this Python


def tool(name: str) -> str:
    """A test dependency's executable; missing is a failure: `pip install -e '.[test]'` brings it."""
    found = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        pytest.fail(f"{name} is not installed; pip install -e '.[test]' installs it", pytrace=False)
    return found


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((GITHUB / "workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def run_scripts(data: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(data) if "run" in step]


def test_actionlint_with_shellcheck_passes_every_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "links.yml", "pull-request.yml"]
    actionlint, shellcheck = tool("actionlint"), tool("shellcheck")
    env = {**os.environ, "PATH": f"{Path(shellcheck).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([actionlint, "-no-color", *map(str, WORKFLOWS)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_inside_any_script(path: Path) -> None:
    """Untrusted text (PR titles, branch names, any github.event field) reaches scripts only
    through env: variables, never pasted into the script by ${{ }}."""
    data = workflow(path.name)
    scripts = run_scripts(data)
    assert scripts
    assert [s for s in scripts if "${{" in s] == []
    assert [v for v in values(data) if "github.event" in v or "github.head_ref" in v] == []


def values(data: object) -> list[str]:
    """Every string in a parsed workflow (comments are not parsed, so they may say anything)."""
    if isinstance(data, dict):
        return [v for value in data.values() for v in values(value)]
    if isinstance(data, list):
        return [v for value in data for v in values(value)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_drop_the_token_and_actions_are_pinned(path: Path) -> None:
    data = workflow(path.name)
    checkouts = [s for s in steps(data) if s.get("uses", "").startswith("actions/checkout@")]
    assert all(s.get("with", {}).get("persist-credentials") is False for s in checkouts)
    uses = [s["uses"] for s in steps(data) if "uses" in s]
    assert [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", u)] == []


def test_pull_request_workflow_is_read_only_and_runs_every_check() -> None:
    data = workflow("pull-request.yml")
    assert list(data["on"]) == ["pull_request"]
    assert data["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in data["jobs"].values())
    scripts = "\n".join(run_scripts(data))
    for command in ("pip install --quiet -e '.[test]'", "python -m generator check --format github",
                    'python -m generator check --strict --changed "origin/$BASE_REF" --format github',
                    "python -m generator fmt --check", "make test", "mkdocs build --strict"):
        assert command in scripts
    strict = next(s for s in steps(data) if "--changed" in s.get("run", ""))
    assert strict["env"] == {"BASE_REF": "${{ github.base_ref }}"}  # through env, never into the script's text
    checkout = next(s for s in steps(data) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base's history: the files the pull request changes
    setup = next(s for s in steps(data) if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    upload = next(s for s in steps(data) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site/"


def test_deploy_workflow_builds_on_main_and_deploys_with_the_official_actions() -> None:
    data = workflow("deploy.yml")
    assert data["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert data["concurrency"]["group"] == "pages"
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    used = [s["uses"].split("@")[0] for s in steps(data) if "uses" in s]
    assert used == ["actions/checkout", "actions/setup-python", "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"]
    assert "mkdocs build --strict" in "\n".join(run_scripts(data))


def test_link_check_is_scheduled_never_on_pull_requests_and_reports() -> None:
    data = workflow("links.yml")
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    assert data["permissions"] == {"contents": "read", "issues": "write"}
    scripts = "\n".join(run_scripts(data))
    assert "python -m generator check-links --report link-report.md" in scripts
    assert '>> "$GITHUB_STEP_SUMMARY"' in scripts
    assert "gh issue create" in scripts and "gh issue edit" in scripts and "gh issue close" in scripts


def generator_commands(text: str) -> list[list[str]]:
    """`python -m generator ...` command lines in a text, as argument lists."""
    found = re.findall(r"python -m generator ([^\n)`]*)", text)
    # `new <arXiv id>` takes a placeholder; a `# comment` after a command is not part of it
    commands = [shlex.split(re.sub(r"<[^>]+>", "PLACEHOLDER", line), comments=True) for line in found]
    return [list(itertools.takewhile(lambda word: word not in ("||", "&&", "|", ";"), argv)) for argv in commands]


@pytest.mark.parametrize("path", [GITHUB / "workflows" / "pull-request.yml", GITHUB / "workflows" / "links.yml",
                                  ROOT / ".pre-commit-config.yaml", GITHUB / "PULL_REQUEST_TEMPLATE.md", ROOT / "CONTRIBUTING.md"],
                         ids=lambda p: p.name)
def test_every_generator_command_named_is_a_real_command(path: Path) -> None:
    commands = generator_commands(path.read_text(encoding="utf-8"))
    assert commands
    cli = parser()
    for argv in commands:
        args = cli.parse_args([*argv, *(["FILE"] if argv == ["fmt"] else [])])
        assert callable(args.run), argv


def test_pre_commit_config_is_valid_and_its_hooks_run_real_commands() -> None:
    config = load_config(str(ROOT / ".pre-commit-config.yaml"))  # pre-commit's own schema
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert set(hooks) == {"fmt", "check", "ruff"}
    assert hooks["fmt"]["entry"] == "python -m generator fmt" and hooks["fmt"]["files"] == r"^entries/.*\.yaml$"
    # the files a commit touches, strictly: a draft digest or a variant key word stops the commit
    assert hooks["check"]["entry"] == "python -m generator check --strict" and hooks["check"]["pass_filenames"] is True
    assert hooks["check"]["files"] == r"^entries/.*\.yaml$"
    assert hooks["ruff"]["types"] == ["python"]
    raw = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    # `system` runs the command as it is on PATH (pre-commit 4.4+ calls it `unsupported`)
    assert {hook["language"] for repo in raw["repos"] for hook in repo["hooks"]} == {"system"}
    for hook in hooks.values():
        executable = shlex.split(hook["entry"])[0]
        assert executable == "python" or tool(executable), executable


def test_issue_form_offers_the_real_sections() -> None:
    form = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "suggest-a-paper.yml").read_text(encoding="utf-8"))
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert [(k, v["type"]) for k, v in fields.items()] == [
        ("paper", "input"), ("section", "dropdown"), ("why", "textarea"), ("keywords", "input")]
    info, _, _ = read_list(str(ROOT / "entries"))
    assert info is not None
    assert fields["section"]["attributes"]["options"] == [s.title for s in info.sections]
    assert [k for k, v in fields.items() if v.get("validations", {}).get("required")] == ["paper", "section", "why"]
    assert {"name", "description", "body"} <= set(form)


def test_pull_request_template_names_the_checks() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    for command in ("python -m generator new", "python -m generator check", "fmt --check", "make serve", "make test"):
        assert command in text


@pytest.mark.parametrize(("problem", "command"), [
    (Problem("entries/a/b.yaml", 3, "unknown field 'x'"), "::error file=entries/a/b.yaml,line=3::unknown field 'x'"),
    (Problem("entries/a/b.yaml", 0, "not an entry file", "warning"), "::warning file=entries/a/b.yaml::not an entry file"),
    (Problem("entries/a,b:c.yaml", 2, "100% wrong:\r\nsecond, line"),
     "::error file=entries/a%2Cb%3Ac.yaml,line=2::100%25 wrong:%0D%0Asecond, line"),
])
def test_problems_as_github_annotations(problem: Problem, command: str) -> None:
    assert annotation(problem) == command


def test_check_format_github_prints_annotations(small_list: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = small_list / "memorization" / "lee2022deduplicating.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2022", "year: 2022\nyeer: 2022"), encoding="utf-8")
    assert main(["check", "--entries", str(small_list), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if line.startswith("::error ")]
    assert len(errors) == 1
    assert re.fullmatch(r"::error file=entries/memorization/lee2022deduplicating\.yaml,line=\d+::.*yeer.*", errors[0])
    assert all(line.startswith(("::error ", "::warning ")) for line in out)
