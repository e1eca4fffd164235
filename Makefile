# clv-workbook: every command a student, analyst or scheduler needs.
# `make test` and `make report` each set everything up on a fresh machine.

PYTHON_BOOT ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
PARAMS      ?= params/default.yml
# Prefer the kernel spec installed inside .venv over any in the user's home folder,
# so notebooks always run on this project's Python.
export JUPYTER_PREFER_ENV_PATH := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help setup lab report cdnow test test-fast data bench lint lock student notebooks-text clean

help: ## List the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(STAMP) ## Create .venv and install the tested package versions (skipped when up to date)

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev,large]'
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
	$(PY) -m pytest --doctest-modules --nbval-lax --nbval-current-env clvlib tests notebooks

test-fast: setup ## Unit tests only (no notebooks, no network)
	$(PY) -m pytest tests -m "not notebooks and not network"

data: setup ## Rebuild data/ from the simulator (byte for byte the same)
	$(PY) -m clvlib.data.simulate

bench: setup ## Time clvlib against baselines measured in the same run
	$(PY) benchmarks/run.py

lint: setup ## Ruff over clvlib, tests, benchmarks and notebooks
	$(VENV)/bin/ruff check clvlib tests benchmarks notebooks

student: setup ## Copy the notebooks without solution cells into student/
	$(PY) -m clvlib.course.student --out student

notebooks-text: setup ## Rewrite notebooks/text/*.py, the reviewable text form of each notebook
	$(PY) -m clvlib.course.notebook_text

lock: ## Re-resolve requirements/constraints.txt from pyproject.toml (maintainers)
	rm -rf .lockvenv && $(PYTHON_BOOT) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet --upgrade pip
	.lockvenv/bin/pip install --quiet '.[dev,large]'
	{ echo "# Exact versions tested with clvlib (pip constraints file). Regenerate with \`make lock\`."; \
	  echo "# pandas<3 is deliberate: lifelines>=0.30.1 needs it (pandas>=3 silently pulls lifelines 0.30.0)."; \
	  .lockvenv/bin/pip freeze --exclude clvlib; } > $(CONSTRAINTS)
	rm -rf .lockvenv build
	@echo "Wrote $(CONSTRAINTS); commit it with the change to pyproject.toml."

clean: ## Remove .venv, caches, reports and the student copies
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache reports student build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
