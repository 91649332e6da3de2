"""The list: read entry files safely with the line of every value (load), check them against the
schema and the rules it cannot say (validate, identifiers, duplicates), read a whole list folder
(source), group it into sections and years (catalog), and write list files in the canonical layout
(emit). The JSON Schemas stay in generator/schema/, where entry files and editors point.

May import: generator.text, generator.model, generator.errors. Nothing of site or commands.
"""
