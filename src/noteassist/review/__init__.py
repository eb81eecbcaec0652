"""Batch QA review (`noteassist qa`): stream many notes through the linter, score them, write the outputs.

batch.py is the worker (one pure function), run.py the driver, score.py the rubric, aggregate.py the summary,
sample.py audit sampling, outputs.py the file formats, manifest.py resume. See docs/qa.md.
"""
