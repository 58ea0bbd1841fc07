# Byway: build recipes. `make bundle` builds the Linux portable folder dist/byway/ (and its .tar.gz);
# `make smoke-test` copies it to a fresh temporary folder and runs `./byway --self-test` there.
# See packaging/README.md.

VENV      ?= .venv
PYTHON    ?= $(VENV)/bin/python
PYINSTALLER ?= $(VENV)/bin/pyinstaller
DIST      ?= dist
BUNDLE    := $(DIST)/byway
# Reproducible-ish: a fixed timestamp for bundle-versions.json and the tarball (the last commit's).
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
# A fixed hash seed keeps PyInstaller's module ordering stable between runs.
export PYTHONHASHSEED = 0

.PHONY: help bundle bundle-folder smoke-test ci-bundle desktop-validate icons clean

help:
	@echo "make bundle            Linux portable bundle: $(BUNDLE)/ and $(DIST)/byway-*-linux-*.tar.gz"
	@echo "make smoke-test        run the bundle's --self-test from a copy in a fresh temp folder"
	@echo "make ci-bundle         bundle + smoke-test + desktop-validate (what CI runs)"
	@echo "make desktop-validate  desktop-file-validate + appstreamcli validate resources/linux/"
	@echo "make icons             regenerate resources/linux/icons/ from resources/icons/byway.svg"
	@echo "make clean             remove build/ and dist/"

bundle: bundle-folder
	$(PYTHON) packaging/linux/assemble.py --dist $(BUNDLE) --tarball

# PyInstaller only (no tor): what assemble.py starts from.
bundle-folder:
	@$(PYINSTALLER) --version >/dev/null 2>&1 || { echo "PyInstaller is missing: $(VENV)/bin/pip install pyinstaller (or pip install -e '.[bundle]')"; exit 1; }
	$(PYINSTALLER) --noconfirm --clean --log-level WARN \
		--distpath $(DIST) --workpath build/pyinstaller packaging/byway.spec

# Both what `make bundle` left and what a user downloads (the tarball).
smoke-test:
	$(PYTHON) packaging/smoke_test.py $(BUNDLE)
	$(PYTHON) packaging/smoke_test.py $(wildcard $(DIST)/byway-*-linux-*.tar.gz)

# What CI runs: build, smoke-test from fresh copies, validate the desktop files.
ci-bundle: bundle smoke-test desktop-validate

desktop-validate:
	desktop-file-validate resources/linux/byway.desktop
	appstreamcli validate --no-net --explain resources/linux/org.byway_app.Byway.metainfo.xml

icons:
	QT_QPA_PLATFORM=offscreen $(PYTHON) packaging/make_icons.py

clean:
	rm -rf build $(DIST)
