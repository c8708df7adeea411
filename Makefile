# The two commands a fresh machine needs: `make demo` and `make test`. Both set up what they use.
.PHONY: setup demo test typecheck lint build bench clean

setup:
	@bash scripts/setup.sh

build: setup
	npx tsc -p tsconfig.json

typecheck: setup
	npx tsc -p tsconfig.json --noEmit

lint: setup
	npx biome check provider test bench scripts examples

# Bakes an image end to end on this machine, no cloud account: see README "What the demo runs".
demo: build
	node dist/scripts/demo.js

test: build lint
	npx vitest run

# Kiln against Debian's packer on the same templates; prints medians and kiln/packer ratios.
bench: build
	node dist/bench/run.js

clean:
	rm -rf dist coverage
