"""`python -m generator <command>`: each command a few lines over the pipeline stages."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence

from generator.errors import ListError, Problem, errors_in
from generator.list.emit import write_text
from generator.list.source import load_catalog, read_list
from generator.site.generate import generate

CHECK_LIMIT = 20  # problems of one kind `check` prints; --all prints every one


def problem_kind(problem: Problem) -> tuple[str, str]:
    """What problems of one kind share: the message with file paths and numbers blanked, up to the
    first quoted value or clause (`'`, `"`, `(`, `;`): "nearly the same title as FILE ", "distinct_from[N]: no paper has the id "."""
    text = re.sub(r"\d+", "N", re.sub(r"[^\s'\"(),;]+\.ya?ml\b", "FILE", problem.message))
    return problem.severity, re.split(r"['\"(;]", text, maxsplit=1)[0]


def _print_problems(problems: Sequence[Problem], limit: int | None = None) -> None:
    """Every problem as path:line: message, sorted; with a limit, at most that many of one kind
    (problem_kind), then one line saying how many more."""
    counts = Counter(problem_kind(p) for p in problems) if limit is not None else Counter()
    shown: Counter[tuple[str, str]] = Counter()
    for problem in sorted(problems):
        stream = sys.stderr if problem.severity == "error" else sys.stdout
        kind = problem_kind(problem) if limit is not None else ("", "")
        shown[kind] += 1
        if limit is None or shown[kind] <= limit:
            print(problem, file=stream)
        if limit is not None and shown[kind] == limit and counts[kind] > limit:
            print(f"... and {counts[kind] - limit} more like this (python -m generator check --all shows every one)", file=stream)


def site_names() -> frozenset[str]:
    """The names the site takes for its own pages and folders: what `check` accepts must build."""
    from generator.site.pages import reserved_slugs

    return reserved_slugs()


def cmd_check(args: argparse.Namespace) -> int:
    from generator.commands.changed import changed_files, in_scope, outside, strict

    files = list(args.files)
    if args.changed is not None:
        files += changed_files(args.entries, args.changed or None)
    info, entries, problems = read_list(args.entries, site_names())
    if files or args.changed is not None:
        problems = outside(args.files, args.entries) + in_scope(problems, files, args.strict)
    elif args.strict:
        problems = [strict(p) for p in problems]
    if args.format == "github":  # annotations on the pull request's files and lines
        from generator.commands.annotations import as_annotations

        for line in as_annotations(problems):
            print(line)
    else:  # github: all of them; GitHub shows 10 error annotations per step, but the log keeps every line
        _print_problems(problems, None if args.all else CHECK_LIMIT)
    errors = errors_in(problems)
    warnings = len(problems) - len(errors)
    named = args.changed is not None or files
    scope = f"{len(files)} file(s) checked against {len(entries)} valid entries" if named else f"{len(entries)} valid entries"
    print(f"{scope}; {len(errors)} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or info is None else 0


def cmd_dump(args: argparse.Namespace) -> int:
    catalog, _ = load_catalog(args.entries)
    json.dump([e.to_dict() for e in catalog.entries], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_import_readme(args: argparse.Namespace) -> int:
    from generator.commands.readme_import import import_readme

    result = import_readme(args.source, args.out, follow_links=args.follow_links, skip_unimportable=args.skip_unimportable,
                           reserved=site_names())
    _print_problems(result.notes + result.skipped + result.unimportable + result.failing)
    if not result.written:
        print(f"{len(result.unimportable)} listing(s) cannot become entries (named above); nothing written to {args.out}: "
              "fix them in the README, or pass --skip-unimportable to import the rest", file=sys.stderr)
        return 1
    skipped = f", {len(result.unimportable)} unimportable listing(s) skipped" if result.unimportable else ""
    print(
        f"imported {result.listings} listings as {len(result.entries)} entries in "
        f"{len(result.info['sections'])} sections into {args.out}; {len(result.notes)} irregularities absorbed, "
        f"{len(result.skipped)} non-paper items skipped{skipped}",
        file=sys.stderr,
    )
    if result.failing:
        print(f"check refuses {len(result.failing)} thing(s) in what was written (named above, at their listings): "
              f"fix them in the files under {args.out}, or in the README and import again into an empty folder", file=sys.stderr)
        return 1
    return 0


def cmd_pages(args: argparse.Namespace) -> int:
    catalog, _ = load_catalog(args.entries, site_names())
    if args.project:
        from generator.commands.project import write_project

        project = write_project(catalog, args.out, args.config_file, templates=args.templates, site_url=args.site_url, related=args.related)
        for note in project.notes:
            print(f"warning: {note}", file=sys.stderr)
        entries = "" if args.entries == "entries" else f" --entries {args.entries}"
        print(f"wrote {project.config} and {project.pages} pages; build the site with `zensical build` in {args.out}, "
              f"then `python -m generator search-index {os.path.join(args.out, 'site')}{entries}` for search", file=sys.stderr)
        return 0
    related = 5 if args.related is None else args.related
    _, files, _ = generate(catalog, templates=args.templates, site_url=args.site_url or os.environ.get("SITE_URL"), related=related)
    for name, text in files.items():
        write_text(os.path.join(args.out, name), text)
        print(os.path.join(args.out, name))
    return 0


def cmd_search_index(args: argparse.Namespace) -> int:
    from generator.commands.search_index import index_site
    from generator.site.search import SearchIndexError

    catalog, _ = load_catalog(args.entries, site_names())
    try:
        count = index_site(catalog, args.site_dir)
    except SearchIndexError as exc:
        print(f"search index: {exc}", file=sys.stderr)
        return 1
    print(f"{count} search records indexed into {os.path.join(args.site_dir, 'pagefind')}", file=sys.stderr)
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


def cmd_new(args: argparse.Namespace) -> int:
    from generator.commands.newentry import new_entry, report

    written = new_entry(args.entries, args.arxiv, title=args.title, url=args.url, authors=args.authors, year=args.year,
                        atom_file=args.atom_file, section=args.section, distinct_from=args.distinct_from)
    print(report(written))
    return 0


def cmd_fmt(args: argparse.Namespace) -> int:
    from generator.commands.fmt import format_list

    changed, problems, summary = format_list(args.entries, args.files, args.check)
    _print_problems(problems)
    for path_or_diff in changed:
        print(path_or_diff.rstrip("\n"))
    print(summary, file=sys.stderr)
    return 1 if problems or (args.check and changed) else 0


def cmd_rename_keyword(args: argparse.Namespace) -> int:
    from generator.commands.maintain import rename_keyword

    print(rename_keyword(args.entries, args.old, args.new))
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    from generator.commands.maintain import move

    print(move(args.entries, args.id, args.section))
    return 0


def cmd_export_readme(args: argparse.Namespace) -> int:
    from generator.commands.export import MAX_FILE_BYTES, export_readme, oversized

    written = export_readme(args.entries, args.out)
    for path in written:
        print(path)
    for path, size in oversized(written):
        print(f"{path}: warning: {size // 1000} KB, past {MAX_FILE_BYTES // 1000} KB; GitHub stops rendering a file at 512 KB: "
              "split its section", file=sys.stderr)
    total = sum(len(text.encode("utf-8")) for text in written.values())
    print(f"wrote {len(written)} files, {total // 1000} KB in all", file=sys.stderr)
    return 0


def cmd_check_links(args: argparse.Namespace) -> int:
    from generator.commands.linkcheck import LinkCheckSettings, check_links

    _, entries, _ = read_list(args.entries)  # links of every valid entry, even when others have errors
    settings = LinkCheckSettings(workers=args.workers, timeout=args.timeout, delay=args.delay, retries=args.retries)
    return check_links(entries, settings, args.report)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator", description="Build and check the reading list.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str, entries: str | None = "entries") -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        if name != "import-readme":
            sub.add_argument("--entries", default=entries, metavar="DIR", help=f"the list directory (default: {entries or 'from mkdocs.yml'})")
        sub.set_defaults(run=run)
        return sub

    sub = command("check", cmd_check, "validate the list; print each problem as path:line: message")
    sub.add_argument("files", nargs="*", metavar="FILE",
                     help="report only these files' problems (and errors anywhere); the whole list is still compared")
    sub.add_argument("--changed", nargs="?", const="", metavar="BASE",
                     help="also the list's .yaml files added or changed since git BASE (default: origin/HEAD, origin/main, main)")
    sub.add_argument("--strict", action="store_true", help="warnings in the reported files are errors (exit 1)")
    sub.add_argument("--format", choices=("text", "github"), default="text",
                     help="github: print problems as GitHub Actions annotations (all of them)")
    sub.add_argument("--all", action="store_true",
                     help=f"print every problem (default: at most {CHECK_LIMIT} of one kind, then how many more)")
    command("dump", cmd_dump, "print all entries as one JSON array")
    sub = command("import-readme", cmd_import_readme, "turn an awesome-list README into entry files")
    sub.add_argument("source", metavar="SRC.md")
    sub.add_argument("--out", required=True, metavar="DIR", help="a new or empty list directory")
    sub.add_argument("--follow-links", action="store_true",
                     help="also read the .md files the README's list items link to (a README split by export-readme)")
    sub.add_argument("--skip-unimportable", action="store_true",
                     help="import the rest when a listing cannot become an entry (each is still named); without it, nothing is written")
    sub = command("export-readme", cmd_export_readme, "write the list as a GitHub README and one Markdown file per section")
    sub.add_argument("--out", default="export/README.md", metavar="FILE",
                     help="the README to write; the section files go to readme/ beside it (default: export/README.md)")
    sub = command("check-links", cmd_check_links, "check every links: address; Markdown report grouped by what was found")
    sub.add_argument("--report", metavar="FILE", help="write the report here (default: standard output)")
    sub.add_argument("--workers", type=int, default=8, metavar="N", help="hosts checked at once (default: 8)")
    sub.add_argument("--timeout", type=float, default=20.0, metavar="S", help="seconds per request (default: 20)")
    sub.add_argument("--delay", type=float, default=1.0, metavar="S", help="seconds between requests to one host (default: 1)")
    sub.add_argument("--retries", type=int, default=2, metavar="N", help="retries after 429, 5xx or a dropped connection (default: 2)")
    sub = command("pages", cmd_pages, "write the generated Markdown pages to a folder (for other engines)")
    sub.add_argument("--out", required=True, metavar="DIR")
    sub.add_argument("--templates", metavar="DIR", help="templates that override the package's (with --project: the plugin's option)")
    sub.add_argument("--site-url", metavar="URL",
                     help="the published address, for the feed (default: $SITE_URL; with --project the configuration's site_url)")
    sub.add_argument("--related", type=int, metavar="N",
                     help="related papers under each paper (0: none; default: 5, with --project the plugin's option)")
    sub.add_argument("--project", action="store_true",
                     help="a whole project for Zensical in DIR: docs/ with every page and asset, overrides/, and a mkdocs.yml "
                          "without the reading-list plugin, its navigation written out")
    sub.add_argument("--config-file", "-f", default="mkdocs.yml", metavar="FILE",
                     help="with --project: the configuration to copy and the plugin options to use (default: mkdocs.yml)")
    sub = command("search-index", cmd_search_index, "write the Pagefind search index into a site another engine built")
    sub.add_argument("site_dir", metavar="SITE_DIR", help="the built site (the index goes to SITE_DIR/pagefind)")
    sub = command("new", cmd_new, "add a paper: a new entry file from arXiv, section and key words suggested")
    sub.add_argument("arxiv", nargs="?", metavar="ARXIV",
                     help="arXiv id, abs/pdf URL or arXiv DOI, e.g. 2008.03703, math/0211159, arxiv.org/pdf/2008.03703v2")
    sub.add_argument("--atom-file", metavar="FILE", help="a saved arXiv API answer instead of the network")
    sub.add_argument("--section", metavar="SLUG", help="the section (default: suggested from similar papers)")
    sub.add_argument("--title", help="for a paper without an arXiv id, with --url")
    sub.add_argument("--url", help="the paper's address, for a paper without an arXiv id")
    sub.add_argument("--authors", metavar='"A; B"', help="authors in order, separated by ;")
    sub.add_argument("--year", type=int, help="the year group (default: this year)")
    sub.add_argument("--distinct-from", action="append", default=[], metavar="ID",
                     help="a listed paper with nearly the same title that is another paper (both files then name each other)")
    sub = command("fmt", cmd_fmt, "rewrite list files in the one canonical layout (--check: only list them)")
    sub.add_argument("files", nargs="*", metavar="FILE", help="only these files (default: the whole list)")
    sub.add_argument("--check", action="store_true", help="only list the files that differ; exit 1 if any")
    sub = command("rename-keyword", cmd_rename_keyword, "rename a key word everywhere; the old one becomes an alias")
    sub.add_argument("old", metavar="OLD")
    sub.add_argument("new", metavar="NEW")
    sub = command("move", cmd_move, "move a paper to another section; its old permalink keeps working")
    sub.add_argument("id", metavar="ID")
    sub.add_argument("section", metavar="SECTION")
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
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not an error to report; __main__ exits quietly
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
