"""Stage 2: the heading structure. Which heading level holds the sections, which section heading
owns each token, which sections hold papers, and the sections-file mapping (title, introduction,
one row per section with its slug and description).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from generator.commands.readme_import.links import has_list_link
from generator.commands.readme_import.tokens import Bullet, Heading, Notes, Paragraph, Token, YearMark, prose
from generator.list.identifiers import slugify

MAX_SLUG = 60


def section_level(tokens: list[Token]) -> int | None:
    """The heading level just above the year marks; without year marks, the level of the
    headings that directly hold paper listings. The most common level wins."""
    open_levels: dict[int, Heading] = {}
    last: Heading | None = None
    year_parents: list[int] = []
    entry_parents: list[int] = []
    for token in tokens:
        if isinstance(token, Heading):
            for level in [lv for lv in open_levels if lv >= token.level]:
                del open_levels[level]
            open_levels[token.level] = token
            last = token
        elif isinstance(token, YearMark):
            if token.level:
                for level in [lv for lv in open_levels if lv >= token.level]:
                    del open_levels[level]
                above = [lv for lv in open_levels if lv < token.level]
                if above:
                    year_parents.append(max(above))
            elif last:
                year_parents.append(last.level)
        elif isinstance(token, Bullet) and token.looks_like_paper and last:
            entry_parents.append(last.level)
    counts = Counter(year_parents or entry_parents)
    return counts.most_common(1)[0][0] if counts else None


def section_owners(tokens: list[Token], level: int | None) -> list[Heading | None]:
    """For each token, the section-level heading it sits under (None outside any)."""
    owners: list[Heading | None] = []
    current: Heading | None = None
    for token in tokens:
        if isinstance(token, Heading) and level is not None:
            if token.level == level:
                current = token
            elif token.level < level:
                current = None
        owners.append(current)
    return owners


def paper_sections(tokens: list[Token], owners: list[Heading | None]) -> list[Heading]:
    """Sections that hold year groups or paper listings. In a list with year groups, a section
    without any holds papers when its bullets have [[label]] links (its papers are not left out for
    want of years); a resource with a line of description under it is no listing."""
    has_years = any(isinstance(t, YearMark) for t in tokens)
    found: dict[int, Heading] = {}
    for token, owner in zip(tokens, owners, strict=True):
        listing = isinstance(token, Bullet) and not token.fenced and (has_list_link(token.text) if has_years else token.looks_like_paper)
        if (isinstance(token, YearMark) or listing) and owner is not None:
            found.setdefault(owner.line, owner)
    return list(found.values())


def _first_prose(tokens: list[Token], after: int) -> str | None:
    """The first prose paragraph after token `after`, before the next heading, year or bullet."""
    for token in tokens[after + 1:]:
        if not isinstance(token, Paragraph):
            return None
        text = prose(token)
        if text:
            return text
    return None


def list_info(
    tokens: list[Token], sections: list[Heading], notes: Notes, reserved: Collection[str] = ()
) -> tuple[dict[str, Any], dict[int, str]]:
    """The sections-file mapping, and the slug of each section heading (by its line); a slug that is
    the name of one of the site's own pages (`reserved`) gets "-papers" added."""
    headings = [t for t in tokens if isinstance(t, Heading)]
    title_heading = next((h for h in headings if h.level == 1), headings[0] if headings else None)
    info: dict[str, Any] = {"title": "Reading list"}
    if title_heading is None or not title_heading.title:
        notes(1, 'no "# " title heading; the list is called "Reading list" until you rename it in sections.yaml')
    else:
        info["title"] = title_heading.title
        intro = _first_prose(tokens, tokens.index(title_heading))
        if intro:
            info["description"] = intro
        else:
            notes(title_heading.line, "no introduction paragraph after the title; write one in sections.yaml")
    slugs: dict[int, str] = {}
    rows: dict[str, dict[str, str]] = {}
    for heading in sections:
        slug = slugify(heading.title)[:MAX_SLUG].strip("-") or f"section-{len(rows) + 1}"
        if slug in reserved:
            taken, slug = slug, f"{slug[:MAX_SLUG - 7]}-papers"
            notes(heading.line, f'section "{heading.title}" would take the slug "{taken}", the name of a page of the site; '
                                f'its slug is "{slug}"')
        slugs[heading.line] = slug
        if slug in rows:
            notes(heading.line, f'section "{heading.title}" repeats section "{rows[slug]["title"]}"; its papers join that section')
            continue
        description = _first_prose(tokens, tokens.index(heading))
        if not description:
            description = f"Papers on {heading.title}."
            notes(heading.line, f'section "{heading.title}" has no introduction paragraph; '
                                f'described as "{description}" until you write one in sections.yaml')
        rows[slug] = {"slug": slug, "title": heading.title, "description": description}
    info["sections"] = list(rows.values())
    return info, slugs
