"""spark-submit's entry point for `noteassist qa` (spark-submit runs a Python file, not a console script):

    spark-submit --master spark://head:7077 examples/spark/noteassist_qa.py qa INPUT... -o DIR --engine spark

The arguments are `noteassist`'s; the master (and any --conf) come from spark-submit. See README "QA past one
machine". It lives outside the package on purpose: run as a script, a file inside src/noteassist would put that
folder first on sys.path, where noteassist's `io` package would hide Python's own."""

from noteassist.cli import main

if __name__ == "__main__":
    main(prog_name="noteassist")
