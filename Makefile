# certmint: the two commands of the quick start are `make demo` and `make test`.
# Both install missing Debian packages first (scripts/install-deps.sh).
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build test demo test-sanitize fuzz bench clean format format-check install deb
FUZZ_SECONDS ?= 60

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# certmint alone (no test suite: no GoogleTest, Java or kcat needed), with
# its manual page, bash and zsh completions and documentation, under PREFIX:
# no root needed for a prefix you own. Needs the build packages of
# scripts/install-deps.sh (up to clang-format).
PREFIX ?= $(HOME)/.local
install:
	@cmake -S . -B build-install -DCMAKE_BUILD_TYPE=Release -DCERTMINT_BUILD_TESTS=OFF \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-install -j$(JOBS) --target certmint certmint_docs
	@cmake --install build-install --strip
	@echo "certmint installed in $(PREFIX)/bin (manual: $(PREFIX)/share/man/man1/certmint.1)"

# The same as a Debian package: build-deb/certmint_VERSION_ARCH.deb (install
# with `sudo apt install ./build-deb/certmint_*.deb`).
deb:
	@cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release -DCERTMINT_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-deb -j$(JOBS) --target certmint certmint_docs
	@cd build-deb && cpack -G DEB

demo: build
	@scripts/demo.sh $(BUILD)/certmint demo-pki

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize:
	@$(MAKE) --no-print-directory test BUILD=build-sanitize CMAKE_FLAGS="-DCERTMINT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)"

# Every libFuzzer target for FUZZ_SECONDS each, from its seed corpus (clang).
fuzz: deps
	@command -v clang++ >/dev/null || (apt-get update -qq && apt-get install -y -qq clang >/dev/null)
	@cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCERTMINT_FUZZ=ON -DCERTMINT_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-fuzz -j$(JOBS)
	@scripts/run-fuzz.sh build-fuzz $(FUZZ_SECONDS)

# The comparison with the seed's recipe and the crypto floor (docs/performance.md).
bench: deps
	@bench/run.sh

# Every C++ file the project writes, formatted by .clang-format.
FORMAT_FILES = find src tests fuzz bench \( -name '*.cc' -o -name '*.h' \) -print0

format: deps
	@$(FORMAT_FILES) | xargs -0 clang-format -i

# Fails (listing the files) when a file is not formatted: CI runs it first.
format-check: deps
	@$(FORMAT_FILES) | xargs -0 clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD) build-sanitize build-fuzz build-bench build-install build-deb demo-pki
