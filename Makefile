# The two commands of the README:
#   make demo   set up, load the Nanyang 2026 demo and serve it (PORT=8000 to change)
#   make test   set up, then run the whole test suite (ARGS="-x -q" to pass pytest options)
# and for development: make setup | lint | messages

PORT ?= 8000
ARGS ?=
# uv on PATH, else uv as a Python module (as scripts/setup.sh installs it); found when used.
UV = $(shell if uv --version >/dev/null 2>&1; then echo uv; else echo python3 -m uv; fi)

.PHONY: demo test setup lint messages

demo: setup
	$(UV) run mubiao demo --port $(PORT)

test: setup
	bash scripts/test.sh $(ARGS)

setup:
	@bash scripts/setup.sh

lint:
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy

# The compiled .mo files are committed, so a machine without gettext can skip this.
messages:
	@if [ ! -d mubiao/locale ]; then \
		echo "make messages: no mubiao/locale/ yet; nothing to compile."; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		find mubiao/locale -name '*.po' -exec touch {} + && \
		MUBIAO_MODE=demo $(UV) run python manage.py compilemessages \
			--ignore=.venv --ignore=node_modules --ignore=var; \
	else \
		echo "make messages: gettext's msgfmt is not installed; skipped (the committed .mo files are used)."; \
	fi
