# Convoy: `make demo` sets up a fresh machine, builds and runs a sample pipeline;
# `make test` sets up, builds and runs the whole test suite.

SWIFT ?= swift
CONFIG ?= release
BIN := .build/$(CONFIG)
APT_PACKAGES := libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libdnnl-dev pkg-config ffmpeg python3-venv
SAMPLE := Samples/clip.mp4
DEMO_PIPELINE := Pipelines/blur.yaml
DEMO_OUTPUT := out/demo-blur.mp4

.PHONY: all deps build test test-venv demo sample pictures bench bench-segments bench-train soak train-denoiser fuzz fuzz-build \
  sanitize sanitize-address sanitize-thread hostile clean

all: build

# Installs the Debian packages Convoy needs when any is missing (apt-get as root, otherwise the
# exact command is printed and make stops).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Convoy needs these Debian packages. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install --quiet numpy

build: deps
	$(SWIFT) build -c $(CONFIG)

# The tests' Python-side peers, made once in .venv. scikit-image is installed for its bundled
# sample photographs only (skimage/data/*.png, *.jpg: read straight from site-packages), so
# without its dependencies. When pip cannot reach PyPI the picture tests skip, saying why.
VENV := .venv
test-venv:
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV) || echo "Could not make $(VENV)."
	@ls $(VENV)/lib/python3*/site-packages/skimage/data/astronaut.png >/dev/null 2>&1 || \
	  $(VENV)/bin/python -m pip install --quiet --no-deps scikit-image || \
	  echo "Could not install scikit-image into $(VENV): the tests on its sample photographs will be skipped."
	@$(VENV)/bin/python -c "import onnx, onnxruntime, numpy" 2>/dev/null || \
	  $(VENV)/bin/python -m pip install --quiet onnx onnxruntime numpy || \
	  echo "Could not install onnx, onnxruntime and numpy into $(VENV): the ONNX backend-data test will be skipped."

test: build test-venv
	$(SWIFT) build -c $(CONFIG) --build-tests
	CONVOY_BIN=$(CURDIR)/$(BIN)/convoy $(SWIFT) test -c $(CONFIG) --skip-build --parallel --num-workers 2 \
	  --disable-swift-testing --xunit-output $(BIN)/tests.xml
	@sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)" failures="\([0-9]*\)".*/\1 \2/p' $(BIN)/tests.xml | \
	  { read total failed; echo "tests: $$((total - failed)) passed, $$failed failed"; }

# A 10-second 1280×720 test pattern with a sine tone, made with ffmpeg's generators.
sample: $(SAMPLE)
$(SAMPLE):
	ffmpeg -hide_banner -loglevel error -y \
	  -f lavfi -i testsrc2=size=1280x720:rate=30:duration=10 \
	  -f lavfi -i sine=frequency=440:sample_rate=48000:duration=10 \
	  -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 128k -shortest $@

demo: build sample
	@mkdir -p out
	$(BIN)/convoy run $(DEMO_PIPELINE) $(SAMPLE) -o $(DEMO_OUTPUT) -y
	$(BIN)/convoy run Pipelines/edges.yaml $(SAMPLE) -o out/demo-edges.mp4 -y
	ffmpeg -hide_banner -loglevel error -y -i $(SAMPLE) -t 2 -vf noise=alls=25:allf=t -an \
	  -c:v libx264 -preset veryfast -crf 12 -pix_fmt yuv444p out/demo-noisy.mp4
	$(BIN)/convoy run Pipelines/denoise.yaml out/demo-noisy.mp4 -o out/demo-denoised.mp4 -y
	$(BIN)/convoy filter Samples/Pictures/photo.jpg -o out/blurred.jpg --kernel gaussian:sigma=2,size=9 -y
	$(BIN)/convoy filter Samples/Pictures/building.jpg -o out/house-edges.png --kernel sobel --space luma --chroma neutral -y
	@echo
	@echo "Demo output: $(CURDIR)/$(DEMO_OUTPUT) (blur), $(CURDIR)/out/demo-edges.mp4 (Sobel edges on luma)"
	@echo "and $(CURDIR)/out/demo-denoised.mp4 (out/demo-noisy.mp4 through the denoiser Convoy trained itself);"
	@echo "pictures: $(CURDIR)/out/blurred.jpg (Gaussian blur of Samples/Pictures/photo.jpg) and out/house-edges.png (its building's edges)"

# Makes Samples/Pictures/photo.jpg and building.jpg again with ffmpeg's generators.
pictures:
	Samples/Pictures/make_pictures.sh

# Learns Samples/Models/denoise.safetensors again with convoy train (see Samples/Models/README.md).
train-denoiser: build
	Samples/Models/train_denoise.sh $(BIN)/convoy

# Convoy and its peers side by side (see bench/bench.py); writes BENCHMARKS.md.
bench: build
	python3 bench/segments_bench.py
	python3 bench/bench.py

# One job as two array tasks of one thread against one task (bench/segments_bench.py); writes
# bench/SEGMENTS.md, which bench.py puts into BENCHMARKS.md.
bench-segments: build
	python3 bench/segments_bench.py

# Training speed and the time to learn the Gaussian (bench/train_bench.py); writes the Training
# section of BENCHMARKS.md.
bench-train: build
	python3 bench/train_bench.py

# 50,000 generated 640×360 frames through `convoy filter - --raw`, and a slow reader downstream:
# peak RSS must stay flat (see bench/soak.py); writes the Soak section of BENCHMARKS.md.
soak: build
	python3 bench/soak.py

# The libFuzzer harnesses (Fuzz/README.md): built once with AddressSanitizer in .build-fuzz, then
# each run for FUZZ_SECONDS (default 300) from its seed corpus, FUZZ_JOBS at a time; the
# committed crash inputs run first. Findings land in .build-fuzz/findings (docs/RELIABILITY.md).
FUZZ_SECONDS ?= 300
FUZZ_JOBS ?= 1
fuzz-build: deps
	Fuzz/build.sh
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) Fuzz/run.sh

# The tests and convoy with AddressSanitizer (.build-asan, the whole suite), then with
# ThreadSanitizer (.build-tsan, the tests that start threads; TSAN_TESTS overrides the pattern):
# every report fails the run (Tests/Sanitizers/run.sh, docs/RELIABILITY.md).
sanitize: sanitize-address sanitize-thread
sanitize-address: deps test-venv
	Tests/Sanitizers/run.sh address
sanitize-thread: deps test-venv
	Tests/Sanitizers/run.sh thread

# HOSTILE_COUNT damaged media files (default 2000) from HOSTILE_SEED through convoy filter and
# features built with AddressSanitizer (HostileMediaTests; make test runs 48 of them). Failing
# inputs are kept in .build-asan/hostile.
HOSTILE_SEED ?= 1
HOSTILE_COUNT ?= 2000
hostile: deps
	HOSTILE_SEED=$(HOSTILE_SEED) HOSTILE_COUNT=$(HOSTILE_COUNT) Tests/Sanitizers/run.sh hostile

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan out
