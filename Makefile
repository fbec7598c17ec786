# claimlens workflow: build -> train -> evaluate -> package. Each step names its inputs, so make
# reruns a step only when one of them changed. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CL := HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(BIN)/claimlens
EXP ?=
DATASET := data/processed/claimlens/dataset_dict.json
PKG_SRC := $(wildcard src/claimlens/*.py src/claimlens/*/*.py src/claimlens/resources/*)
RAW := $(shell find data/raw data/annotations data/metadata data/fnc1_train -type f 2>/dev/null)
MLFLOW_URI := sqlite:///$(CURDIR)/experiments/mlflow.db

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv and install claimlens with its dependencies (torch pinned, CPU build)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

data: $(DATASET) ## build the default sentence dataset (configs/data.yaml)

$(DATASET): $(STAMP) configs/data.yaml $(RAW) $(PKG_SRC)
	$(CL) build-dataset

train: $(DATASET) ## fine-tune the default model (EXP=name for configs/experiments/name.yaml), then the baseline runs
	$(CL) train --config configs/train.yaml $(if $(EXP),--experiment $(EXP))
	$(CL) baseline

baseline: $(DATASET) ## TF-IDF + logistic regression and rule-labeler reference runs in MLflow
	$(CL) baseline

evaluate: $(STAMP) ## score the champion and the rules on the held-out FNC-1 gold, test and heldout splits (needs ../shared)
	$(CL) evaluate --model rules --split test
	$(CL) evaluate --model models:/claimlens@champion --split test
	$(CL) evaluate --model rules --split heldout
	$(CL) evaluate --model models:/claimlens@champion --split heldout

runs: $(STAMP) ## print the tracked runs side by side
	$(CL) runs

export: $(STAMP) ## write the champion as a plain transformers folder under experiments/export
	$(CL) export experiments/export

ui: $(STAMP) ## MLflow UI on http://127.0.0.1:5000 over the embedded store
	$(BIN)/mlflow ui --backend-store-uri $(MLFLOW_URI) --default-artifact-root $(CURDIR)/experiments/mlartifacts --host 127.0.0.1 --port 5000

test: $(STAMP) ## fast tests (no training); `make test-all` includes the slow ones
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(BIN)/pytest -q -m "not slow"

test-slow: $(STAMP) ## only the slow tests (tiny end-to-end training runs)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(BIN)/pytest -q -m slow

test-all: $(STAMP) ## every test, training included
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(BIN)/pytest -q

lint: $(STAMP) ## ruff
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP) ## dataset-build and prediction throughput on FNC-1 (needs ../shared)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_predict.py

corpus-report: $(STAMP) ## sizes, label shares and the near-duplicate check of the shipped corpus
	$(BIN)/python -m claimlens.corpus_report

clean: ## remove built data (keeps .venv and experiments)
	rm -rf data/processed

.PHONY: help install data train baseline evaluate runs export ui test test-slow test-all lint bench corpus-report clean
