# kubelab — the two commands are `make lab` and `make test`; see README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CLASS ?= sim
INVENTORY ?= inventories/$(CLASS)
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kubelab
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
UV_HOME := $(CACHE_DIR)/uv-$(UV_VERSION)
UV := $(UV_HOME)/bin/uv

# Debian packages the playbooks call: pkill/pgrep stop a half-started
# cluster, ss finds ports in use, ssh reaches machines, ip makes the sim
# class's external host (a network namespace) and Debian's python3 serves its
# page (as nobody, who may not read the venv).
DEBIAN_PACKAGES := procps iproute2 openssh-client python3
# And what only the tests need: sshd is the tests' SSH host (in a network
# namespace of their own; a server daemon, so `make lab` never installs it),
# systemd-analyze checks the EC2 external host's service unit; nodejs (with
# its npm) runs the course's Node apps in their tests, nginx proxies to the
# Flask app in its own, chromium opens the class report.
TEST_DEBIAN_PACKAGES := openssh-server systemd nodejs nginx chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# uv must use this machine's Python, never download one.
export UV_PYTHON_DOWNLOADS := never
# Byte-compile on install: Ansible runs each module in a fresh interpreter that
# writes no .pyc, so an uncompiled kubernetes package costs 1.3 s every call.
export UV_COMPILE_BYTECODE := 1
export UV_CACHE_DIR := $(CACHE_DIR)/uv-cache
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

# The course's Node apps: each folder with a package-lock.json.
NODE_APPS := $(patsubst %/package-lock.json,%,$(wildcard apps/*/package-lock.json apps/*/*/package-lock.json))
export npm_config_cache := $(CACHE_DIR)/npm

.PHONY: help lab check test deps test-deps venv binaries test-binaries npm apps lint sanity unit cluster journeys molecule teardown clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

lab: venv binaries ## Stand up the class of CLASS (default sim): cluster and students
	$(BIN)/ansible-playbook site.yml -i $(INVENTORY)
	@echo "Kubeconfigs: output/$(CLASS)/<student>/kubeconfig for each student, output/$(CLASS)/admin.kubeconfig for you."

# The test tiers. `make check` needs no cluster and no sim binaries: run it
# before every commit. `make test` is every tier, what CI runs.
UNIT_TESTS := tests/unit tests/apps collections/ansible_collections/kubelab/lab/tests/unit
CLUSTER_TESTS := tests/playbooks tests/cluster tests/machines
JOURNEY_TESTS := tests/journeys
# The cluster tier's pytest workers: a cluster test waits on its control plane
# about half the time, so two share this 2-core machine: a module runs whole on
# one worker (its class, its ports), and each worker has its own session class
# (tests/conftest.py).
CLUSTER_WORKERS ?= 2

check: lint sanity unit ## The quick tier: lint, mypy, sanity, unit and app tests (no cluster)

test: check cluster journeys molecule ## Every tier: check, cluster, journeys, molecule (what CI runs)

# apt-get install of the missing ones among $(1).
define apt_install
	@command -v dpkg >/dev/null || { echo "Not Debian: make sure $(1) are installed"; exit 0; }; \
	missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps: ## Debian packages kubelab needs (apt-get; only the missing ones)
	$(call apt_install,$(DEBIAN_PACKAGES))

test-deps: deps ## And the Debian packages only the tests need
	$(call apt_install,$(TEST_DEBIAN_PACKAGES))

venv: deps $(VENV)/.synced ## Python tools from uv.lock into .venv

$(VENV)/.synced: pyproject.toml uv.lock $(UV)
	$(UV) sync --frozen --python "$$(scripts/find-python)"
	@touch $@

$(UV):
	@py="$$(scripts/find-python)"; echo "Bootstrapping uv $(UV_VERSION) with $$py"; \
	  "$$py" -m venv "$(UV_HOME)" && "$(UV_HOME)/bin/pip" install --quiet "uv==$(UV_VERSION)"

# kubectl is linked into the venv, so `. .venv/bin/activate` (README) gives it with ansible-playbook.
binaries: venv ## Build (once, then cached) the sim cluster's binaries from Go modules; kubectl into .venv/bin
	@kubectl=$$($(BIN)/python roles/sim/files/sim_build.py "$(CACHE_DIR)/sim" | \
	  $(BIN)/python -c 'import json, sys; print(json.load(sys.stdin)["binaries"]["kubectl"])'); \
	  ln -sfn "$$kubectl" $(BIN)/kubectl

lint: venv ## yamllint, ansible-lint (production profile), mypy
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint
	$(BIN)/mypy

sanity: venv ## ansible-test sanity of the kubelab.lab collection: every test that needs no container
	$(BIN)/python scripts/sanity.py

apps: npm $(NODE_APPS:%=%/node_modules/.package-lock.json) ## The course's Node apps' locked dependencies (npm ci)

# Debian's nodejs comes without npm (a package of its own); another build of
# nodejs may carry it, and then Debian's npm would conflict with it.
npm: test-deps
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }

%/node_modules/.package-lock.json: %/package-lock.json %/package.json | npm
	cd $* && npm ci --no-audit --no-fund --loglevel=error

test-binaries: venv ## Build (once, then cached) the tests' own binaries from Go modules: a MongoDB-wire server
	$(BIN)/python roles/sim/files/sim_build.py --build-dir tests/apps/build "$(CACHE_DIR)/test-binaries" >/dev/null

unit: venv test-binaries test-deps apps ## pytest: unit tests, the collection's plugins, the course's apps as real programs
	$(BIN)/pytest $(UNIT_TESTS)

cluster: venv binaries test-deps ## pytest: the playbooks on real sim clusters (bad input, the class, attacks, faults)
	$(BIN)/pytest -n $(CLUSTER_WORKERS) --dist loadfile $(CLUSTER_TESTS)

journeys: venv binaries test-deps ## pytest: the README's commands as a user types them, on classes made as it says
	$(BIN)/pytest $(JOURNEY_TESTS)

# A failure's lines are printed again at the end, where a CI log's tail shows them.
MOLECULE_LOG := output/molecule.log
molecule: venv binaries test-deps ## molecule scenarios; minikube only where a Docker engine runs
	@mkdir -p $(dir $(MOLECULE_LOG))
	$(BIN)/molecule test --all --exclude minikube 2>&1 | tee $(MOLECULE_LOG) || { \
	  echo "molecule failed; its failures (the whole log: $(MOLECULE_LOG)):"; \
	  sed 's/\x1b\[[0-9;]*m//g; s/^ *│ *//' $(MOLECULE_LOG) | grep -E '^(FAILED |ERROR |E {3}|fatal: |failed: )' | tail -40; \
	  exit 1; }
	@if engine=$$(docker version --format '{{.Server.Version}}' 2>&1); then \
	  $(BIN)/molecule test --scenario-name minikube; \
	else \
	  echo "molecule scenario minikube: SKIPPED, not run: it needs a Docker engine (docker version: $$(echo "$$engine" | tail -1))"; \
	fi

teardown: venv ## Remove the class of CLASS (default sim): cluster and output files
	$(BIN)/ansible-playbook teardown.yml -i $(INVENTORY)

clean: ## Remove .venv (the build cache under CACHE_DIR stays)
	rm -rf $(VENV)
