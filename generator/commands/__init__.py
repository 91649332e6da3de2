"""The commands a contributor or maintainer runs, each over the stages below: new (newentry, with
arxiv and suggest), fmt, maintain (rename-keyword, move), import-readme (readme_import/, a package
of its own stages: tokens, structure, listing, whole, files) and export-readme (export, gfm),
check-links (linkcheck), and what `check` needs beyond the list (changed: the files a branch
changed; annotations: GitHub's format). ids is the id scheme of new files.

May import: generator.site, generator.list, generator.text, generator.model, generator.errors.
generator.cli, on top, parses arguments and calls these.
"""
