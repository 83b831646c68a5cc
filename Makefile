# tao — build, test, benchmark and demo targets. See README.md.
SWIFT ?= swift
# Release builds are tuned for this machine kind (x86-64 with AVX2); set ARCH_FLAGS= for a portable binary.
ARCH_FLAGS ?= -Xswiftc -target-cpu -Xswiftc haswell
RELEASE = -c release -Xswiftc -Ounchecked $(ARCH_FLAGS)
APT_PACKAGES = libsndfile1-dev libfftw3-dev libsqlite3-dev libopenblas-dev libsoxr-dev libsentencepiece-dev pkg-config
SUDO = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DIR ?= /tmp/tao-demo
# Debian's OpenBLAS 0.3.21 does not know recent CPUs (e.g. Zen 4/5) and falls back to its slowest kernels; name a
# kernel family for the demo and benchmarks unless the environment already does (SkylakeX is faster where AVX-512 exists).
BLAS_ENV = OPENBLAS_CORETYPE=$${OPENBLAS_CORETYPE:-Haswell}

CORPUS_PACKAGES = flite espeak-ng sox libsox-fmt-all festival festvox-kallpc16k festvox-us-slt-hts pocketsphinx-testdata

TASKS = speech_to_text speech_to_text_citrinet n_gram text_classification token_classification intent_slot_classification punctuation_and_capitalization

.PHONY: setup corpus-tools build release test bench demo specs clean

## setup: install the Debian packages tao builds against, and fetch the pretrained MiniLM encoder (quiet when all are present)
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make setup: installing$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@scripts/fetch-minilm pretrained/all-MiniLM-L6-v2

## corpus-tools: the speech synthesizers and sox that scripts/make-speech-corpus and the fixture scripts use
corpus-tools:
	@missing=""; for p in $(CORPUS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "make corpus-tools: installing$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build $(RELEASE)

## test: the whole test suite (the command CI runs)
test: setup
	$(SWIFT) test

## bench: release-build benchmarks, one JSON object per line
bench: setup
	$(BLAS_ENV) $(SWIFT) run $(RELEASE) tao-bench all

## demo: transcribe every file in audio-fixtures/ with the shipped model, beside its reference, with the WER
DEMO_MODEL ?= models/citrinet_char/citrinet_char.tao
DEMO_LM ?= models/citrinet_char/citrinet_char_lm.tao
demo: release
	@set -e; TAO="$$($(SWIFT) build $(RELEASE) --show-bin-path)/tao"; rm -rf $(DEMO_DIR); \
	echo "== tao speech_to_text evaluate -m $(DEMO_MODEL) on audio-fixtures/ (real and synthetic speech, WAV/FLAC/OGG, 8-44.1 kHz),"; \
	echo "   beam search with the model's 4-gram word LM ($(DEMO_LM)) and the beam-search settings the model was tuned with"; \
	TAO_HOME=$(DEMO_DIR)/home $(BLAS_ENV) $$TAO speech_to_text evaluate -r $(DEMO_DIR)/evaluate -m $(DEMO_MODEL) \
		test_ds.manifest_filepath=audio-fixtures/manifest.json decoding.strategy=beam decoding.lm_path=$(DEMO_LM); \
	echo; echo "Results, predictions and the run log are in $(DEMO_DIR)/evaluate; 'TAO_HOME=$(DEMO_DIR)/home $$TAO runs list' shows the run."

## specs: write every task's default specs into specs/ (a test checks they are current)
specs: build
	@for task in $(TASKS); do rm -rf specs/$$task; .build/debug/tao $$task download_specs -o specs/$$task >/dev/null; done; echo "specs/ rewritten"

clean:
	rm -rf .build
