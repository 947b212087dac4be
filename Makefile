# One command to run the demo, one to run the tests: both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOG := $(VENV)/install.log

.PHONY: install demo test bench lint clean

install: $(STAMP)

# The install's own chatter goes to a log; on failure its tail is shown.
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11 or python3 on PATH)"; exit 1; }
	@echo "Installing coherence-tui and its dependencies into $(VENV) (log: $(LOG))"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --upgrade pip && \
	   $(BIN)/python -m pip install -e '.[test]'; } > $(LOG) 2>&1 || \
	 { tail -n 40 $(LOG); echo "Install failed: see $(LOG)"; exit 1; }
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/coherence-tui demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Style and types (not part of make test): ruff everywhere, mypy --strict on the code.
lint: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e '.[test,dev]' >> $(LOG) 2>&1
	$(BIN)/ruff check coherence_tui tests bench
	$(BIN)/mypy coherence_tui

clean:
	rm -rf $(VENV) build *.egg-info
