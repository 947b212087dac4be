# One command to run the demo, one to run the tests: both install what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOG := $(VENV)/install.log

.PHONY: install demo test bench lint clean browser

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

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2

# The browser tests (tests/serve/test_browser.py) drive Debian's chromium with Playwright
# (Playwright's own browser download is never used). Installed here when missing and we
# are root with apt-get; elsewhere those tests are skipped and say why.
browser: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests (log: $(VENV)/chromium.log)"; \
	    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } \
	      > $(VENV)/chromium.log 2>&1 || \
	      echo "Could not install chromium (see $(VENV)/chromium.log): browser tests will be skipped"; \
	  else \
	    echo "No chromium and not root: the browser tests will be skipped"; \
	  fi; }

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Style and types (not part of make test): ruff everywhere, mypy --strict on the code.
lint: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e '.[test,dev]' >> $(LOG) 2>&1
	$(BIN)/ruff check coherence_tui tests bench
	$(BIN)/mypy coherence_tui

clean:
	rm -rf $(VENV) build *.egg-info
