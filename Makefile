# libgpuarb - build, test, install.  GNU make.
#
#   make              library (static + shared) and the gpuarb CLI
#   make demo         install missing Debian packages, build, run the example
#   make test         install missing packages, build, run every test
#   make check-asan   the whole suite under AddressSanitizer + UBSan
#   make check-chaos  every allocation-failure point of tests/test_chaos (make test samples them)
#   make check-diff   optimize against the reference solver on 600 generated specs
#   make bench        build and run the benchmarks (prints figures)
#   make examples     build the C examples (make check-examples also runs them all)
#   make fuzz         libFuzzer harnesses (clang), each run FUZZ_SECONDS (default 10)
#   make check-tsan   tests/test_threads under ThreadSanitizer
#   make check-bindings / check-install   the Python and Go suites / a DESTDIR install (make test runs both)
#   make install PREFIX=/usr/local DESTDIR=   /   make uninstall
#   make deps         install the Debian packages the build needs
#   make catalog      regenerate lib/catalog/catalog_builtin.inc from ../shared/data

VERSION_MAJOR := $(shell sed -n 's/^\#define GPUARB_VERSION_MAJOR \([0-9]*\).*/\1/p' include/gpuarb.h)
VERSION_MINOR := $(shell sed -n 's/^\#define GPUARB_VERSION_MINOR \([0-9]*\).*/\1/p' include/gpuarb.h)
VERSION_PATCH := $(shell sed -n 's/^\#define GPUARB_VERSION_PATCH \([0-9]*\).*/\1/p' include/gpuarb.h)
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

CC ?= cc
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# -Wno-missing-field-initializers: internal option structs grow by appending
# members whose 0 means "none", so a positional initialiser that names the
# first few is correct C (the rest are zero), not a slip.
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-missing-field-initializers
ifeq ($(CI),true)
WARN += -Werror
endif
OPT ?= -O2 -g
SAN ?=
CPPFLAGS_ALL := -Iinclude -Ilib -D_POSIX_C_SOURCE=200809L
CFLAGS_ALL := -std=c11 $(OPT) $(WARN) -fPIC $(SAN) $(CFLAGS)
LDLIBS_DEPS := -lglpk -llapacke -lopenblas -ljansson -lyaml -lm
LDFLAGS_ALL := $(SAN) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard lib/*/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
EXAMPLE_BIN := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)

STATIC := $(BUILD)/libgpuarb.a
SHARED := $(BUILD)/libgpuarb.so.$(VERSION)
SONAME := libgpuarb.so.$(VERSION_MAJOR)
CLI := $(BUILD)/gpuarb

.PHONY: check-tsan check-install check-bindings fuzz-build
.PHONY: all lib cli test check-asan check-chaos check-diff bench examples fuzz install uninstall clean deps demo \
        check-symbols catalog deps-check check-examples
.DELETE_ON_ERROR:

all: lib cli

lib: $(STATIC) $(SHARED)
cli: $(CLI)

LIB_HDR := $(wildcard lib/*/*.h) $(wildcard lib/*/*.inc)

$(BUILD)/obj/lib/%.o: lib/%.c $(LIB_HDR) include/gpuarb.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DGPUARB_BUILDING -fvisibility=hidden $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/obj/cli/%.o: cli/%.c $(wildcard cli/*.h) include/gpuarb.h
	@mkdir -p $(dir $@)
	$(CC) -Iinclude $(CFLAGS_ALL) -D_POSIX_C_SOURCE=200809L -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ) lib/libgpuarb.sym
	$(CC) -shared $(LDFLAGS_ALL) -Wl,-soname,$(SONAME) -o $@ $(LIB_OBJ) $(LDLIBS_DEPS)
	ln -sf libgpuarb.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libgpuarb.so

$(CLI): $(CLI_OBJ) $(STATIC)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(STATIC) $(LDLIBS_DEPS)

# Tests link the static library so they can reach internal functions too,
# and tests/testutil.c, the helpers they share.
$(BUILD)/tests/%: tests/%.c tests/testutil.c $(STATIC) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-missing-prototypes $< tests/testutil.c -o $@ $(STATIC) \
	  $(LDFLAGS_ALL) -lcmocka $(LDLIBS_DEPS)

# test_chaos carries the allocation-failure shim, which must be in the executable
# itself (its malloc family then interposes for every shared library too).
# The shim itself is built without sanitizers: ASan calls malloc while it starts,
# before instrumented code may run (CHAOS_ASAN tells the shim ASan is there).
$(BUILD)/obj/tests/chaos_shim.o: tests/chaos_shim.c tests/chaos.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(OPT) $(WARN) $(CFLAGS) $(if $(findstring address,$(SAN)),-DCHAOS_ASAN) \
	  -c $< -o $@

$(BUILD)/tests/test_chaos: tests/test_chaos.c $(BUILD)/obj/tests/chaos_shim.o tests/testutil.c \
                           $(STATIC) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-missing-prototypes $< $(BUILD)/obj/tests/chaos_shim.o \
	  tests/testutil.c -o $@ $(STATIC) $(LDFLAGS_ALL) -lcmocka $(LDLIBS_DEPS) -ldl -lpthread

# test_lp makes GLPK's environment set-up fail through a --wrap mock.
$(BUILD)/tests/test_lp: LDFLAGS_ALL += -Wl,--wrap=glp_init_env
# test_optimize_nomem fails the library's allocations through --wrap mocks.
$(BUILD)/tests/test_optimize_nomem: LDFLAGS_ALL += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

$(BUILD)/bench/%: bench/%.c $(STATIC) $(wildcard bench/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $< -o $@ $(STATIC) $(LDFLAGS_ALL) $(LDLIBS_DEPS)

$(BUILD)/examples/%: examples/%.c $(SHARED)
	@mkdir -p $(dir $@)
	$(CC) -Iinclude $(CFLAGS_ALL) $< -o $@ -L$(BUILD) -lgpuarb -Wl,-rpath,'$$ORIGIN/..'

# The shared library must export exactly the symbols listed in lib/libgpuarb.sym.
check-symbols: $(SHARED)
	@nm -D --defined-only $(SHARED) | awk '$$2 == "T" { print $$3 }' | sort > $(BUILD)/exported.sym
	@sort lib/libgpuarb.sym | diff -u - $(BUILD)/exported.sym \
	  || { echo "exported symbols differ from lib/libgpuarb.sym" >&2; exit 1; }
	@echo "symbols: $$(wc -l < $(BUILD)/exported.sym) exported, as listed"

deps-check:
	@sh .ci/deps

deps:
	@sh .ci/deps --install

# Run every test binary; tests/cli.sh drives the CLI end to end.
test: deps-check
	@$(MAKE) --no-print-directory all $(TEST_BIN)
	@$(MAKE) --no-print-directory check-symbols
	@set -e; fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; \
	  GPUARB_SHARED=../shared/data $$t || fail=1; \
	done; \
	echo "== tests/cli.sh"; sh tests/cli.sh $(CLI) || fail=1; \
	$(MAKE) --no-print-directory check-examples || fail=1; \
	$(MAKE) --no-print-directory check-install || fail=1; \
	$(MAKE) --no-print-directory check-bindings || fail=1; \
	exit $$fail

# ThreadSanitizer over tests/test_threads (8 threads, one context each, optimize and
# pack in a loop, answers compared with the single-threaded run).  GLPK, OpenBLAS,
# jansson and libyaml are not instrumented: races inside them are not seen, races
# between our code and theirs through our data are.
check-tsan: deps-check
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread" \
	  build-tsan/tests/test_threads
	@echo "== build-tsan/tests/test_threads (ThreadSanitizer)"
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/tests/test_threads

check-asan: deps-check
	@$(MAKE) --no-print-directory test BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

# tests/test_chaos with every failure point of every entry point (make test tries
# every point up to 250 and a stride after).  About 40 s here; under ASan + UBSan
# (make check-chaos BUILD=build-asan SAN="-fsanitize=address,undefined") about 4 min.
check-chaos: deps-check
	@$(MAKE) --no-print-directory $(BUILD)/tests/test_chaos
	@echo "== $(BUILD)/tests/test_chaos, every failure point"
	@CHAOS_FULL=1 ASAN_OPTIONS=detect_leaks=1 $(BUILD)/tests/test_chaos

# The differential check of optimize (issue 15): 600 generated specs solved by
# gpuarb and by ../shared/tools/refsolve.py (CBC), both plans judged by
# tests/diffcheck.py's own SPEC checker; fails on any disagreement that is
# gpuarb's.  Skipped (and says so) without ../shared, cbc or python3.
DIFF_COUNT ?= 600
DIFF_SEED ?= 17
check-diff: deps-check all
	@if [ -f ../shared/tools/refsolve.py ] && command -v cbc >/dev/null 2>&1 && \
	    command -v $(PYTHON) >/dev/null 2>&1; then \
	  echo "== tests/diffcheck.py, $(DIFF_COUNT) specs"; \
	  $(PYTHON) tests/diffcheck.py $(CLI) ../shared/tools/refsolve.py $(DIFF_COUNT) $(DIFF_SEED); \
	else echo "== tests/diffcheck.py skipped: needs ../shared/tools/refsolve.py, cbc and $(PYTHON)"; fi

bench: deps-check all $(BENCH_BIN) $(BUILD)/tests/test_chaos
	@sh bench/run.sh $(BUILD)

examples: $(EXAMPLE_BIN)

# The examples are documentation: run each as its header says, and check that the
# Python binding's struct layout is the C compiler's.  Python and Go load the plain
# build, so they are skipped under sanitizers; Go is skipped when it is not installed.
PYTHON ?= python3
check-examples: $(EXAMPLE_BIN) $(SHARED) $(BUILD)/tests/test_abi
	@set -e; for e in $(EXAMPLE_BIN); do echo "== $$e"; $$e examples/spec.yaml; done
	@if [ -n "$(SAN)" ]; then echo "== Python and Go examples: skipped under sanitizers"; \
	else set -e; \
	  echo "== examples/optimize.py"; GPUARB_LIB=$(SHARED) $(PYTHON) examples/optimize.py examples/spec.yaml; \
	  echo "== tests/abi_check.py"; GPUARB_LIB=$(SHARED) $(PYTHON) tests/abi_check.py $(BUILD)/tests/test_abi; \
	  if command -v go >/dev/null 2>&1; then \
	    echo "== examples/optimize.go"; \
	    GOCACHE=$(abspath $(BUILD))/go-cache go run examples/optimize.go examples/spec.yaml; \
	  else echo "== examples/optimize.go: skipped, go is not installed (Debian: apt-get install golang-go)"; fi; \
	fi

demo: deps-check all
	./$(CLI) optimize --format table examples/spec.yaml

catalog: $(CLI)
	sh lib/catalog/catalog_builtin.sh $(CLI) ../shared/data/skypilot_gpu_catalog > lib/catalog/catalog_builtin.inc.new
	mv lib/catalog/catalog_builtin.inc.new lib/catalog/catalog_builtin.inc

# libFuzzer harnesses (fuzz/fuzz_*.c, clang with libclang-rt-14-dev), built against an
# ASan + UBSan + fuzzer-instrumented library in build-fuzz/, then each run for
# FUZZ_SECONDS (default 10; CI 60) from seeds gathered out of tests/data by fuzz/run.sh.
FUZZ_SECONDS ?= 10
FUZZ_JOBS ?= 2
FUZZ_BIN := $(patsubst fuzz/%.c,build-fuzz/fuzz/%,$(wildcard fuzz/fuzz_*.c))
fuzz: fuzz-build
	@sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_JOBS)

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined" lib
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

build-fuzz/fuzz/%: fuzz/%.c fuzz/fuzz_catalog.c fuzz/fuzz_trace.c build-fuzz/libgpuarb.a
	@mkdir -p $(dir $@)
	clang -Iinclude -Ilib -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
	  $< -o $@ build-fuzz/libgpuarb.a $(LDLIBS_DEPS)

install: all
	@mkdir -p $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' gpuarb.pc.in > $(BUILD)/gpuarb.pc
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 include/gpuarb.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libgpuarb.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libgpuarb.so
	install -m 644 $(BUILD)/gpuarb.pc $(DESTDIR)$(PKGCONFIGDIR)/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -m 644 man/gpuarb.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/libgpuarb.3 $(DESTDIR)$(MANDIR)/man3/

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/gpuarb.h $(DESTDIR)$(LIBDIR)/libgpuarb.a \
	  $(DESTDIR)$(LIBDIR)/libgpuarb.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	  $(DESTDIR)$(LIBDIR)/libgpuarb.so $(DESTDIR)$(PKGCONFIGDIR)/gpuarb.pc \
	  $(DESTDIR)$(BINDIR)/gpuarb $(DESTDIR)$(MANDIR)/man1/gpuarb.1 \
	  $(DESTDIR)$(MANDIR)/man3/libgpuarb.3

# Install into a temporary DESTDIR, build a program with pkg-config alone, uninstall.
# Skipped under sanitizers: a program built with plain cc cannot link their runtime.
check-install: all
	@if [ -n "$(SAN)" ]; then echo "== tests/test_install.sh: skipped under sanitizers"; \
	else echo "== tests/test_install.sh"; sh tests/test_install.sh $(BUILD); fi

# The bindings against this build: a gpuarb.pc for the build tree (build/pkgconfig),
# `pip install bindings/python` offline into $(BUILD)/python and its unittest suite there,
# then `go test` of bindings/go through pkg-config.  Skipped under sanitizers (they load
# the plain build's runtime), Go skipped when go is not installed, pip when python3 has
# none (the suite then runs from the source folder).
check-bindings: $(SHARED)
	@if [ -n "$(SAN)" ]; then echo "== bindings: skipped under sanitizers"; exit 0; fi; \
	set -e; mkdir -p $(BUILD)/pkgconfig; \
	sed -e 's|@PREFIX@|$(CURDIR)|' -e 's|@LIBDIR@|$(abspath $(BUILD))|' \
	    -e 's|@INCLUDEDIR@|$(CURDIR)/include|' -e 's|@VERSION@|$(VERSION)|' \
	    gpuarb.pc.in > $(BUILD)/pkgconfig/gpuarb.pc; \
	py=$(CURDIR)/bindings/python; \
	if $(PYTHON) -m pip --version >/dev/null 2>&1; then \
	  echo "== bindings/python: pip install --no-index (offline) into $(BUILD)/python"; \
	  rm -rf $(BUILD)/python; \
	  $(PYTHON) -m pip install --quiet --no-index --no-deps --no-cache-dir --disable-pip-version-check \
	    --target $(BUILD)/python bindings/python 2>&1 | grep -v 'Running pip as' || true; \
	  test -f $(BUILD)/python/gpuarb/__init__.py; py=$(abspath $(BUILD))/python; \
	else echo "== bindings/python: no pip for $(PYTHON), testing the source folder"; fi; \
	echo "== bindings/python/tests (unittest)"; \
	GPUARB_LIB=$(abspath $(SHARED)) PYTHONPATH=$$py $(PYTHON) -m unittest discover -s bindings/python/tests; \
	if command -v go >/dev/null 2>&1; then \
	  echo "== bindings/go (go test)"; \
	  cd bindings/go && PKG_CONFIG_PATH=$(abspath $(BUILD))/pkgconfig LD_LIBRARY_PATH=$(abspath $(BUILD)) \
	    GOCACHE=$(abspath $(BUILD))/go-cache GOFLAGS=-mod=mod go test -count=1 ./...; \
	else echo "== bindings/go: skipped, go is not installed (Debian: apt-get install golang-go)"; fi

clean:
	rm -rf build build-asan build-tsan build-fuzz
