"""What tests check of any built site: every internal link reaches a page, and its anchor an id there."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin


class Links(HTMLParser):
    """The ids and the link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


def site_pages(site: Path) -> dict[str, Links]:
    """Every page of a built site by its path from the root ("/others/2023/index.html")."""
    pages = {}
    for html_file in site.rglob("*.html"):
        parser = Links()
        parser.feed(html_file.read_text(encoding="utf-8"))
        pages["/" + html_file.relative_to(site).as_posix()] = parser
    return pages


def broken_links(site: Path) -> list[str]:
    """`page: href` of each internal link whose page or anchor is missing."""
    pages = site_pages(site)
    broken = []
    for path, parser in pages.items():
        for href in parser.hrefs:
            if re.match(r"^[a-z]+:", href):
                continue
            target, anchor = urldefrag(urljoin(path, href))
            target = target + "index.html" if target.endswith("/") else target
            if target not in pages and not (site / target.lstrip("/")).exists():
                broken.append(f"{path}: {href}")
            elif anchor and target in pages and anchor not in pages[target].ids:
                broken.append(f"{path}: {href} (no anchor)")
    return broken
