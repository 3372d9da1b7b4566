# Shop Review Health: one declared environment, one command per job.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
AS_OF  ?= 2026-10-31

.PHONY: setup run test lint samples model shipped-model bench lab clean-notebooks clean

$(BIN)/shop-health: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/shop-health  ## create .venv and install the toolkit with its test tools

run: setup  ## the main job: the sample shops' health reports (prints the path of index.html)
	$(BIN)/shop-health validate --report reports/load_report.csv
	$(BIN)/shop-health report --all --as-of $(AS_OF) --out reports

test: setup  ## the whole test suite (notebooks and browser tests included)
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

samples: setup  ## regenerate data/samples/ (byte-identical for the same seed)
	$(BIN)/shop-health sample-data --out data/samples

LABELS ?= labels/labels.csv
model: setup  ## retrain the cause classifier with your corrections ($(LABELS) when present) into models/
	@if [ -f $(LABELS) ]; then $(BIN)/shop-health train --labels $(LABELS); \
	else $(BIN)/python -c "from toolkit.causes import train; print(train('models'))"; fi

shipped-model: setup  ## rebuild the packaged artefact toolkit/models/ (developers), deterministic
	$(BIN)/python -c "from toolkit.causes import train; train()"

bench: setup  ## benchmarks; results in bench/results/
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_rates.py
	$(BIN)/python bench/bench_causes.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_explorer.py

lab: setup  ## JupyterLab on notebooks/ with the project's environment
	$(BIN)/jupyter lab notebooks/

clean-notebooks: setup  ## strip outputs before committing notebooks
	$(BIN)/jupyter nbconvert --clear-output --inplace --ClearMetadataPreprocessor.enabled=True \
		--ClearMetadataPreprocessor.preserve_nb_metadata_mask=kernelspec notebooks/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache reports/*/ *.egg-info
