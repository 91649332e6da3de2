"""`python -m generator <command>`: each command a few lines over the pipeline stages."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence

from generator.emit import write_text
from generator.errors import ListError, Problem, errors_in
from generator.generate import generate
from generator.source import load_catalog, read_list


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in sorted(problems):
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)


def cmd_check(args: argparse.Namespace) -> int:
    info, entries, problems = read_list(args.entries)
    _print_problems(problems)
    errors = errors_in(problems)
    warnings = len(problems) - len(errors)
    print(f"{len(entries)} valid entries; {len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or info is None else 0


def cmd_dump(args: argparse.Namespace) -> int:
    catalog, _ = load_catalog(args.entries)
    json.dump([e.to_dict() for e in catalog.entries], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_import_readme(args: argparse.Namespace) -> int:
    from generator.importer import import_readme

    result = import_readme(args.source, args.out)
    _print_problems(result.notes + result.skipped)
    print(
        f"imported {result.listings} listings as {len(result.entries)} entries in "
        f"{len(result.info['sections'])} sections into {args.out}; {len(result.notes)} irregularities absorbed, "
        f"{len(result.skipped)} non-paper items skipped",
        file=sys.stderr,
    )
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    catalog, _ = load_catalog(args.entries)
    files = generate(catalog, templates=args.templates, site_url=args.site_url or os.environ.get("SITE_URL"), related=args.related)
    for name, text in files.items():
        write_text(os.path.join(args.out, name), text)
        print(os.path.join(args.out, name))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    handler = logging.StreamHandler(sys.stderr)  # MkDocs reports through logging, as its own CLI does
    handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    try:
        config = load_config(args.config_file, site_dir=os.path.abspath(args.site_dir) if args.site_dir else None, strict=not args.no_strict)
        plugin = config.plugins.get("reading-list")
        if plugin is None:
            print(f"{args.config_file}: the reading-list plugin is not enabled", file=sys.stderr)
            return 1
        if args.entries:
            plugin.config.entries = os.path.abspath(args.entries)
        if args.templates:
            plugin.config.templates = os.path.abspath(args.templates)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    except (Abort, ConfigurationError, PluginError) as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        mkdocs_log.removeHandler(handler)
    print(f"site built in {config.site_dir}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator", description="Build and check the reading list.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str, entries: str | None = "entries") -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        if name != "import-readme":
            sub.add_argument("--entries", default=entries, metavar="DIR", help=f"the list directory (default: {entries or 'from mkdocs.yml'})")
        sub.set_defaults(run=run)
        return sub

    command("check", cmd_check, "validate every file; print each problem as path:line: message")
    command("dump", cmd_dump, "print all entries as one JSON array")
    sub = command("import-readme", cmd_import_readme, "turn an awesome-list README into entry files")
    sub.add_argument("source", metavar="SRC.md")
    sub.add_argument("--out", required=True, metavar="DIR", help="a new or empty list directory")
    sub = command("pages", cmd_pages, "write the generated Markdown pages to a folder (for other engines)")
    sub.add_argument("--out", required=True, metavar="DIR")
    sub.add_argument("--templates", metavar="DIR", help="templates that override the package's")
    sub.add_argument("--site-url", metavar="URL", help="the published address, for the feed (default: $SITE_URL)")
    sub.add_argument("--related", type=int, default=5, metavar="N", help="related papers under each paper (0: none)")
    sub = command("build", cmd_build, "build the site with MkDocs for any list directory", entries=None)
    sub.add_argument("--site-dir", metavar="DIR", help="where the site goes (default: from mkdocs.yml)")
    sub.add_argument("--config-file", "-f", default="mkdocs.yml", metavar="FILE")
    sub.add_argument("--no-strict", action="store_true", help="let MkDocs warnings pass")
    sub.add_argument("--templates", metavar="DIR", help="templates that override the package's")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ListError as exc:
        _print_problems(exc.errors or exc.problems)
        return 1
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
