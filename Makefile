# The two commands a fresh machine needs: `make demo` and `make test`. Both set up what they use.
.PHONY: setup demo test typecheck lint build bench clean

setup:
	@bash scripts/setup.sh

build: setup
	npx tsc -p tsconfig.json

# Sources, tests and examples (tests are not part of the build, so they get their own pass).
typecheck: setup
	npx tsc -p tsconfig.test.json

lint: setup
	npx biome check provider constructs test bench scripts examples

# Bakes an image end to end on this machine, no cloud account: see README "What the demo runs".
demo: build
	node dist/scripts/demo.js

test: build typecheck lint
	npx vitest run

# Kiln against Debian's packer on the same templates; prints medians and kiln/packer ratios.
bench: build
	node dist/bench/run.js

clean:
	rm -rf dist coverage
