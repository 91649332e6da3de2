"""The contribution guide's links, rewritten for the site: where GitHub would take each one."""

from __future__ import annotations

import pytest

from generator.site.guide import repository_url, site_guide

REPO = "https://github.com/someone/a-list"


@pytest.mark.parametrize(("target", "expected"), [
    ("entries/sections.yaml", f"{REPO}/blob/main/entries/sections.yaml"),
    ("./README.md#install", f"{REPO}/blob/main/README.md#install"),
    ("/generator/schema/entry.schema.json", f"{REPO}/blob/main/generator/schema/entry.schema.json"),
    ("README.md?plain=1#L3", f"{REPO}/blob/main/README.md?plain=1#L3"),
    ("entries/", f"{REPO}/tree/main/entries"),
    (".github/workflows", f"{REPO}/tree/main/.github/workflows"),
    ("./", f"{REPO}/tree/main"),
    ("../../issues/new?template=suggest-a-paper.yml", f"{REPO}/issues/new?template=suggest-a-paper.yml"),
    ("../../pulls", f"{REPO}/pulls"),
    ("#the-fields", "#the-fields"),
    ("https://example.org/a.yaml", "https://example.org/a.yaml"),
    ("//example.org/a", "//example.org/a"),
    ("mailto:someone@example.org", "mailto:someone@example.org"),
])
def test_each_link_leads_where_github_takes_it(target: str, expected: str) -> None:
    folders = {"entries", ".github/workflows"}
    assert repository_url(target, REPO + "/", "CONTRIBUTING.md", folders.__contains__) == expected


def test_a_guide_in_a_folder_resolves_its_links_from_there() -> None:
    assert repository_url("../entries/a.yaml", REPO, "docs/CONTRIBUTING.md", lambda path: False) == f"{REPO}/blob/main/entries/a.yaml"


def test_links_in_code_stay_as_written() -> None:
    text = (
        "See [the file](entries/a.yaml \"its title\"), ![a chart](docs/chart.png) and <a href='README.md'>the readme</a>.\n"
        "`[code](README.md)` and ``[more code](`README.md`)``, then [after](README.md).\n"
        "[label]: <entries/b.yaml>\n"
        "~~~\n[fenced](README.md)\n```\nstill fenced\n~~~\n"
        "    [indented](README.md)\n"  # an indented line is a list item's continuation far more often than code
    )
    assert site_guide(text, REPO, root="/nonexistent") == (
        f"See [the file]({REPO}/blob/main/entries/a.yaml \"its title\"), ![a chart]({REPO}/blob/main/docs/chart.png) and "
        f"<a href='{REPO}/blob/main/README.md'>the readme</a>.\n"
        f"`[code](README.md)` and ``[more code](`README.md`)``, then [after]({REPO}/blob/main/README.md).\n"
        f"[label]: <{REPO}/blob/main/entries/b.yaml>\n"
        "~~~\n[fenced](README.md)\n```\nstill fenced\n~~~\n"
        f"    [indented]({REPO}/blob/main/README.md)\n"
    )
