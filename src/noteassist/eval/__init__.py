"""Measured quality of the linter: a labelled corpus of notes and an evaluator that
reports precision and recall per category and per missing element (`python -m noteassist.eval.evaluate`)."""
