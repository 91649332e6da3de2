"""The contribution guide on the site: the repository's CONTRIBUTING.md, its links made to work there.

A relative link in CONTRIBUTING.md is right on GitHub, where it resolves against the file's place
in the repository, and wrong on the site, which has none of those files. Each one becomes the
address GitHub resolves it to: `entries/sections.yaml` the file's page (`blob`), a folder its
listing (`tree`), `../../issues/new` the repository's page beside the code. Links in code spans
and fenced code blocks are text, and stay as written.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from urllib.parse import urljoin

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")
_INLINE = re.compile(r"(\]\(\s*)(<[^>\n]*>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)")  # [text](target "title")
_REFERENCE = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)")  # [label]: target
_ATTRIBUTE = re.compile(r"""(\b(?:href|src)\s*=\s*)("[^"]*"|'[^']*')""", re.IGNORECASE)  # raw HTML
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)  # a scheme, another host, this page


def repository_url(target: str, repo_url: str, source: str, is_dir: Callable[[str], bool], branch: str = "main") -> str:
    """Where a link of the file `source` (a path in the repository) leads on GitHub; other links unchanged."""
    if not target or _ABSOLUTE.match(target):
        return target
    path, mark, rest = target.partition("#") if "?" not in target.split("#")[0] else target.partition("?")
    if not path:
        return target
    repo = repo_url.rstrip("/")
    resolved = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(source), path))
    if resolved == ".." or resolved.startswith("../"):  # GitHub's own pages beside the code: issues, pulls, wiki
        return urljoin(f"{repo}/blob/{branch}/{source}", target)
    if resolved == ".":
        return f"{repo}/tree/{branch}{mark}{rest}"
    kind = "tree" if is_dir(resolved) else "blob"
    return f"{repo}/{kind}/{branch}/{resolved}{mark}{rest}"


def site_guide(text: str, repo_url: str, source: str = "CONTRIBUTING.md", root: str = ".", branch: str = "main") -> str:
    """The guide's Markdown with every relative link (inline, reference or raw HTML) made a repository URL.

    `source` is the guide's path in the repository, `root` the repository's folder (to tell folders from files)."""
    def rewrite(target: str) -> str:
        if target.startswith("<") and target.endswith(">"):
            return f"<{rewrite(target[1:-1])}>"
        if target[:1] in "\"'":
            return target[0] + rewrite(target[1:-1]) + target[-1]
        return repository_url(target, repo_url, source, lambda path: os.path.isdir(os.path.join(root, path)), branch)

    def links(chunk: str) -> str:
        chunk = _INLINE.sub(lambda m: m.group(1) + rewrite(m.group(2)), chunk)
        return _ATTRIBUTE.sub(lambda m: m.group(1) + rewrite(m.group(2)), chunk)

    def outside_code(line: str) -> str:
        if _REFERENCE.match(line):
            return _REFERENCE.sub(lambda m: m.group(1) + rewrite(m.group(2)), line)
        parts, last = [], 0
        for span in _CODE_SPAN.finditer(line):
            parts += [links(line[last:span.start()]), span.group()]
            last = span.end()
        return "".join([*parts, links(line[last:])])

    lines = []
    fence = ""
    for line in text.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
                fence = ""
            lines.append(line)
        elif opening:
            fence = opening.group(1)
            lines.append(line)
        else:
            lines.append(outside_code(line))
    return "".join(lines)
