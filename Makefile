# clv-workbook: every command a student, analyst or scheduler needs.
# `make test` and `make report` each set everything up on a fresh machine.

PYTHON_BOOT ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
comma       := ,
PARAMS      ?= params/default.yml
# The extras a checkout needs: the course (notebooks, report), development, large data.
EXTRAS      := course,dev,large
# Extras with their own target and lock file (requirements/<extra>.txt): make test-spark, make site.
OPT_IN_EXTRAS := spark site
# `make lock` resolves with this uv release (installed into a throwaway venv, never a dependency).
UV_VERSION  := 0.13.9
# Prefer the kernel spec installed inside .venv over any in the user's home folder,
# so notebooks always run on this project's Python.
export JUPYTER_PREFER_ENV_PATH := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help setup lab report cdnow site test test-fast test-spark test-student test-wheel test-latest data bench bench-scale mutate lint lock student notebooks-text clean

help: ## List the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(STAMP) ## Create .venv and install the tested package versions (skipped when up to date)

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(CONSTRAINTS)
	$(PY) -m pip install --quiet --no-deps -e '.[$(EXTRAS)]'
	$(PY) -m pip check >/dev/null || { $(PY) -m pip check; echo "$(CONSTRAINTS) lacks a package pyproject.toml asks for: run make lock"; exit 1; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (clv-workbook)" >/dev/null
	@touch $(STAMP)
	@echo "Environment ready in $(VENV)."

lab: setup ## Open JupyterLab on the course notebooks
	$(VENV)/bin/jupyter lab notebooks/

report: setup ## Run every notebook into reports/<timestamp>/ (PARAMS=params/x.yml for your data)
	@$(PY) -m clvlib.data.cdnow >/dev/null || echo "(Could not fetch the CDNOW data: lesson 04 will skip its CDNOW section.)"
	$(PY) -m clvlib.course.runner --params "$(PARAMS)"

cdnow: setup ## Fetch the real CDNOW data once into data/cache/ (checksum-verified)
	$(PY) -m clvlib.data.cdnow

# The course runs once per dataset: nbval executes every notebook on the embedded data (and
# its assert cells), tests/course/test_report.py runs it once on the foreign-format example data.
# notebooks/text/ (the text forms) is never collected: see addopts in pyproject.toml.
test: setup ## Run all tests: unit, property, reference, docstring examples, notebooks, the report
	$(PY) -m pytest --doctest-modules --nbval-lax --nbval-current-env -m "not wheel and not spark and not learner" clvlib tests notebooks

# The student copies, answered exercise by exercise: the course a third time, so on its own (CI runs it).
test-student: setup ## Every lesson's student copy run as a learner: each exercise fails unanswered, passes answered
	$(PY) -m pytest tests/course/test_student_edition.py -m learner -p no:cacheprovider

test-fast: setup ## Unit tests only (no notebooks, no network, no wheel install)
	$(PY) -m pytest tests -m "not notebooks and not network and not wheel"

# Opt-in: the spark extra (locked in requirements/spark.txt) and Java 17 are not part of `make setup`.
# The lock is installed as setup installs constraints.txt (-r --no-deps): as `-c` a hashed lock puts pip
# in hash-checking mode, which refuses the editable clvlib. Without the lock: the extra, newest allowed.
# CLVLIB_REQUIRE_SPARK=1 turns "Spark is missing" from a skip into a failure, so this target cannot pass empty.
SPARK_LOCK  := requirements/spark.txt
JAVA_PACKAGE := openjdk-17-jre-headless
test-spark: setup ## Spark tests in local mode: installs the spark extra, and Java when missing (apt-get, as root)
	$(if $(wildcard $(SPARK_LOCK)),$(PY) -m pip install --quiet --no-deps -r $(SPARK_LOCK),$(PY) -m pip install --quiet -e '.[spark]')
	@command -v java >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Java ($(JAVA_PACKAGE)) for Spark..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(JAVA_PACKAGE) >/dev/null; \
	  else \
	    echo "Spark needs Java 17 or 21 and there is no java on the PATH. Install it, then run make test-spark again:"; \
	    echo "  Debian/Ubuntu: sudo apt-get install $(JAVA_PACKAGE); macOS: brew install openjdk@17; conda: conda install openjdk=17"; \
	    exit 1; \
	  fi; }
	CLVLIB_REQUIRE_SPARK=1 $(PY) -m pytest -m spark -p no:cacheprovider tests

# Opt-in: the site extra (locked in requirements/site.txt) is not part of `make setup`. The lessons'
# outputs are reports/latest's, reused: `make report` runs first only when that report is missing,
# stale (a lesson added or edited since) or not run on params/default.yml.
SITE_LOCK   := requirements/site.txt
site: setup ## The course as a website in build/site/html: lessons with outputs, glossary, API reference; offline, links checked
	@$(PY) -c "import sphinx, myst_nb, sphinx_book_theme" 2>/dev/null || \
	  $(if $(wildcard $(SITE_LOCK)),$(PY) -m pip install --quiet --no-deps -r $(SITE_LOCK),$(PY) -m pip install --quiet -e '.[site]')
	@$(PY) -m clvlib.course.site --check-report || $(MAKE) report PARAMS=params/default.yml
	$(PY) -m clvlib.course.site --out build/site

test-wheel: setup ## Build the wheel, install it in a fresh venv outside the checkout, run the quickstart and the report there
	$(PY) -m pytest tests/test_installed_wheel.py -m wheel -p no:cacheprovider

test-latest: setup ## Unit tests in throwaway venvs: the newest releases pyproject allows, then pandas 3 forced
	$(PY) requirements/test_latest.py

data: setup ## Rebuild data/ from the simulator (byte for byte the same)
	$(PY) -m clvlib.data.simulate
	$(PY) -m clvlib.data.simulate_price_test

bench: setup ## Time clvlib against baselines measured in the same run
	$(PY) benchmarks/run.py

bench-scale: setup ## DuckDB summary+split of 10M/30M/100M orders under a 2 GB cap (data cached in .bench/scale)
	$(PY) benchmarks/scale.py

# A maintainer's tool, not a dependency: installed into .venv only when this target runs.
MUTMUT_VERSION := 3.8.1
# MUTANTS='clvlib.analysis.kpis.*' runs one module's mutants only (the rest are reported as not run).
# One BLAS thread per test process (OPENBLAS_NUM_THREADS=1): two mutants run at once on two cores,
# and threaded BLAS on the models' small matrices made a fit up to 30 times slower under that load.
mutate: setup ## Mutation testing of the models, formulas, summary, validation and KPIs: kill rate per module (~50 min on 2 idle cores)
	$(PY) -m pip install --quiet 'mutmut==$(MUTMUT_VERSION)'
	rm -rf mutants
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(VENV)/bin/mutmut run --max-children 2 $(MUTANTS)
	$(PY) tests/mutation/kill_rate.py

lint: setup ## Ruff over clvlib, tests, benchmarks and notebooks
	$(VENV)/bin/ruff check clvlib tests benchmarks notebooks

student: setup ## Copy the notebooks without solution cells into student/
	$(PY) -m clvlib.course.student --out student

notebooks-text: setup ## Rewrite notebooks/text/*.py, the reviewable text form of each notebook
	$(PY) -m clvlib.course.notebook_text

lock: ## Re-resolve requirements/constraints.txt from pyproject.toml: every platform, Python>=3.11, with hashes (UPGRADE=1: newest)
	rm -rf .lockvenv && $(PYTHON_BOOT) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'
	.lockvenv/bin/uv pip compile pyproject.toml $(foreach e,$(subst $(comma), ,$(EXTRAS)),--extra $(e)) \
	  --universal --python-version 3.11 --generate-hashes --no-header --quiet $(if $(UPGRADE),--upgrade) \
	  --output-file $(CONSTRAINTS)
	{ echo "# Exact versions tested with clvlib, with hashes, for every platform and Python>=3.11: the lock."; \
	  echo "# make setup installs it (pip install --require-hashes --no-deps -r), then clvlib itself (--no-deps)."; \
	  echo "# Written by \`make lock\` (uv pip compile --universal --generate-hashes); a new dependency goes in"; \
	  echo "# pyproject.toml, then \`make lock\`: a hand-written line without hashes breaks make setup."; \
	  echo "# pandas<3 is deliberate: lifelines>=0.30.1 needs it (pandas>=3 silently pulls lifelines 0.30.0)."; \
	  grep -v '^#' $(CONSTRAINTS); } > $(CONSTRAINTS).new && mv $(CONSTRAINTS).new $(CONSTRAINTS)
	$(foreach e,$(OPT_IN_EXTRAS),$(call lock_opt_in,$(e)))
	rm -rf .lockvenv
	@echo "Wrote $(CONSTRAINTS) and $(foreach e,$(OPT_IN_EXTRAS),requirements/$(e).txt); commit them with the change to pyproject.toml."

# An opt-in extra's lock: resolved against constraints.txt, so every package the two share has one version.
define lock_opt_in
	.lockvenv/bin/uv pip compile pyproject.toml --extra $(1) --constraint $(CONSTRAINTS) \
	  --universal --python-version 3.11 --generate-hashes --no-header --quiet $(if $(UPGRADE),--upgrade) \
	  --output-file requirements/$(1).txt
	{ echo "# The '$(1)' extra's lock (not installed by make setup), resolved against constraints.txt; written by make lock."; \
	  grep -v '^#' requirements/$(1).txt; } > requirements/$(1).txt.new && mv requirements/$(1).txt.new requirements/$(1).txt

endef

clean: ## Remove .venv, caches, reports and the student copies
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache reports student build *.egg-info mutants
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
