# 常用命令：make serve · make test · make build · make bench
# 每个目标在首次使用时自动创建 .venv 并安装依赖（只访问 PyPI / npm / Debian 软件源）。

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
SITE   ?= site
ADDR   ?= 127.0.0.1:8000
# 测试与构建所需的 Debian 软件包（浏览器测试、中文字体、Fashion-MNIST）
APT_PACKAGES ?= chromium fonts-noto-cjk dataset-fashion-mnist
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve build test test-browser test-fast lint bench assets system-deps clean help

help:
	@echo "make serve   安装依赖并在 http://$(ADDR) 启动带热重载的本地站点"
	@echo "make test    安装测试依赖（含系统软件包）并运行全部测试"
	@echo "make build   严格模式构建静态站点到 $(SITE)/"
	@echo "make bench   运行全部基准测试（QUICK=1 为快速版），结果写入 benchmarks/results/"
	@echo "make lint    ruff 检查"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# -e .: snippets/ and tools/ import from anywhere in the venv (see pyproject.toml)
$(VENV)/.docs-installed: $(VENV)/bin/python requirements/docs.txt requirements/ml.txt pyproject.toml
	$(PY) -m pip install --quiet -r requirements/docs.txt -r requirements/ml.txt -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.docs-installed requirements/test.txt
	$(PY) -m pip install --quiet -r requirements/test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.installed

# 测试需要 Debian 的 chromium 等软件包；已安装则什么也不做
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

serve: $(VENV)/.docs-installed assets
	$(VENV)/bin/mkdocs serve --dev-addr $(ADDR) --livereload --dirty

build: $(VENV)/.docs-installed assets
	DIGITS_OFFLINE=1 $(VENV)/bin/mkdocs build --strict --site-dir $(SITE)

# 先严格构建一次（笔记本在此执行并缓存），测试复用这份站点；
# 浏览器测试（Chromium + Playwright）在其余测试之后单独运行，不与训练类测试争抢 CPU
test: system-deps $(VENV)/.test-installed assets
	$(VENV)/bin/ruff check .
	DIGITS_OFFLINE=1 $(VENV)/bin/mkdocs build --strict --site-dir .cache/test-site
	SITE_DIR=.cache/test-site $(VENV)/bin/pytest -n 2 --dist loadfile -m "not browser"
	SITE_DIR=.cache/test-site $(VENV)/bin/pytest -m browser

# 只运行真实浏览器测试（含 axe-core 的无障碍检查）
test-browser: system-deps $(VENV)/.test-installed assets
	DIGITS_OFFLINE=1 $(VENV)/bin/mkdocs build --strict --site-dir .cache/test-site
	SITE_DIR=.cache/test-site $(VENV)/bin/pytest -m browser

# 不含浏览器测试的快速回归（开发时用）
test-fast: $(VENV)/.test-installed assets
	$(VENV)/bin/pytest -n 2 --dist loadfile -m "not browser and not slow"

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.test-installed assets
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(SITE) .cache .pytest_cache test-artifacts
