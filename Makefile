# Two commands: `make run` (install, set up, serve on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test bench translations extract-messages chromium lint

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d webapp/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o webapp/translations/messages.pot webapp
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations

run: install
	$(BIN)/flask setup
	@echo "Serving on http://127.0.0.1:5000 (mail is written to instance/outbox/); Ctrl+C stops"
	@$(BIN)/flask dev

# Headless Chromium for the browser tests comes from Debian's packages.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium is not installed: the browser tests will skip (apt-get install chromium)"; fi; }

test: install chromium
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/submit_path.py

lint: install
	$(BIN)/ruff check .
