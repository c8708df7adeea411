# The two commands a fresh machine needs: `make demo` and `make test`. Both set up what they use.
# Every command runs through scripts/run.sh, in the environment setup wrote (.kiln/env): Node 22, the
# Pulumi CLI and Terraform found or installed by setup.
.PHONY: setup demo test typecheck lint build bench clean generate loc

RUN := bash scripts/run.sh

setup:
	@bash scripts/setup.sh

# tsc, then the CLI bundled into one file (scripts/bundle-cli.ts): `kiln` starts faster from one file.
build: setup
	$(RUN) npx tsc -p tsconfig.json
	$(RUN) node dist/scripts/bundle-cli.js

# Sources, tests and examples (tests are not part of the build, so they get their own pass).
typecheck: setup
	$(RUN) npx tsc -p tsconfig.test.json

# Format and lint, then no import cycle and layers importing downward (.dependency-cruiser.cjs).
lint: setup
	$(RUN) npx biome check provider constructs test bench scripts examples
	$(RUN) npx depcruise provider constructs --config .dependency-cruiser.cjs

# Files derived from the plugin schemas (Pulumi argument types, field tables); a test fails when stale.
generate: setup
	$(RUN) npx tsx scripts/generate.ts

# Lines of code per layer (the layers `make lint` enforces, scripts/layers.cjs), without blanks or comments.
loc: setup
	$(RUN) npx tsx scripts/loc.ts

# Bakes an image end to end on this machine, no cloud account: see README "What the demo runs".
demo: build
	$(RUN) node dist/scripts/demo.js

test: build typecheck lint
	$(RUN) npx vitest run

# Kiln against Debian's packer on the same templates; prints medians and kiln/packer ratios.
bench: build
	$(RUN) node dist/bench/run.js

clean:
	rm -rf dist coverage
