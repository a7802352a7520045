# faiss-rebuild — the two commands of the quick start are `make demo` and `make test`.
SHELL := /bin/bash
MVN_FLAGS ?= -B -q
ENV := source scripts/env.sh &&

.PHONY: deps build test demo bench clean

deps:
	@scripts/install-deps.sh

build: deps
	@$(ENV) mvn $(MVN_FLAGS) -DskipTests install
	@scripts/aot-cache.sh

test: deps
	@$(ENV) mvn $(MVN_FLAGS) install
	@scripts/aot-cache.sh

demo: build
	@FAISS_REBUILD_LOG_LEVEL=$${FAISS_REBUILD_LOG_LEVEL:-WARN} bin/faiss-rebuild demo

bench: build
	@bench/run.sh

clean:
	@$(ENV) mvn $(MVN_FLAGS) clean
