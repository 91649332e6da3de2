"""Text, the lowest stage: digest Markdown (rendered with math as MathML, and checked for what it
may not hold) and text similarity (TF-IDF neighbours). Plain functions over strings.

May import: generator.model, generator.errors. Nothing of list, site or commands.
"""
