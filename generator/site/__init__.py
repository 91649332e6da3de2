"""The site: the MkDocs plugin (plugin) over plain functions that turn a catalog into pages. The page
registry (pages) says which pages there are; render and the Jinja2 templates write them; indexes,
related, charts make what they show; datafiles and bibtex write the downloads; search writes the
Pagefind records; safety sanitizes generated pages and scans the built site; guide publishes
CONTRIBUTING.md; generate puts pages and data files together for the plugin and `pages`.

May import: generator.list, generator.text, generator.model, generator.errors. Nothing of commands.
"""
