"""Deep Learning Phenomena reading list: entries as data, a validated catalog, a MkDocs site."""

from __future__ import annotations

__version__ = "0.1.0"
