# vigil — top-level build. GNU make, no configure step.
#   make            build every program (static, against libskarnet.a)
#   make check      build, then run the host tests, plain and under ASan+UBSan
#   make install    DESTDIR=... PREFIX=... (default /usr/local)
#   make clean
# Every build product lives under build/.

.DEFAULT_GOAL := all

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter
CPPFLAGS_ALL := -D_GNU_SOURCE -Ilib -Isupervise -Iscan -Ilog $(CPPFLAGS)
# Non-PIE static: no start-up relocations, so the pages stay shared between
# the hundreds of supervisors of a real machine.
LDFLAGS_STATIC := -static -no-pie
SKARNET := -lskarnet

PROGRAMS := supervise/vigil-supervise scan/vigil-scan log/vigil-log ctl/svc ctl/svok ctl/svstat ctl/svwait \
            ctl/svactivate ctl/svdeactivate ctl/vigil-populate init/vigil-init shutdown/vigil-shutdown
# Names of vigil-shutdown that `make install` links to it.
SHUTDOWN_LINKS := halt poweroff reboot shutdown
LIB_SRC  := $(wildcard lib/*.c)
LIB_HDR  := $(wildcard lib/*.h)
UNIT_SRC := $(wildcard t/unit/*.c)
HELPER_SRC := $(wildcard t/helpers/*.c)

SUPERVISE_SRC := supervise/supervise-state.c supervise/supervise-spawn.c
SCAN_SRC := scan/scan.c scan/scan-stop.c scan/scan-index.c scan/scan-table.c scan/scan-run.c scan/scan-dir.c
LOG_SRC := log/logdir.c log/select.c

# One variant per build flavour: normal (static) and asan (dynamic, sanitized).
define variant
$(1)_DIR := $(BUILD)/$(1)
$(1)_LIB := $$($(1)_DIR)/libvigil.a
$(1)_OBJ := $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(LIB_SRC))

$$($(1)_DIR)/%.o: %.c $$(LIB_HDR) $$(wildcard supervise/*.h scan/*.h log/*.h) | deps
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CPPFLAGS_ALL) $$(CFLAGS) $(2) $$(WARN) -c -o $$@ $$<

$$($(1)_LIB): $$($(1)_OBJ)
	rm -f $$@ && ar rcs $$@ $$^

$$($(1)_DIR)/bin/vigil-supervise: $$($(1)_DIR)/supervise/vigil-supervise.o $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(SUPERVISE_SRC)) $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/bin/vigil-scan: $$($(1)_DIR)/scan/vigil-scan.o $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(SCAN_SRC)) $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/bin/vigil-log: $$($(1)_DIR)/log/vigil-log.o $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(LOG_SRC)) $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/bin/vigil-init: $$($(1)_DIR)/init/vigil-init.o $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/bin/vigil-shutdown: $$($(1)_DIR)/shutdown/vigil-shutdown.o $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/bin/%: $$($(1)_DIR)/ctl/%.o $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/unit/%: $$($(1)_DIR)/t/unit/%.o $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(SUPERVISE_SRC) scan/scan-stop.c scan/scan-index.c scan/scan-table.c) $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $(3) -o $$@ $$^ $$(SKARNET)

$$($(1)_DIR)/helpers/%: t/helpers/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $(2) $$(WARN) -o $$@ $$<

$(1)_BINS  := $$(addprefix $$($(1)_DIR)/bin/,$$(notdir $$(PROGRAMS)))
$(1)_HELPERS := $$(patsubst t/helpers/%.c,$$($(1)_DIR)/helpers/%,$$(HELPER_SRC))
$(1)_UNITS := $$(patsubst t/unit/%.c,$$($(1)_DIR)/unit/%,$$(UNIT_SRC))
endef

$(eval $(call variant,static,,$(LDFLAGS_STATIC)))
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
$(eval $(call variant,asan,$(ASAN_FLAGS),))

.PHONY: all check check-plain check-asan install clean deps test-deps bench
.SECONDARY:

all: $(static_BINS)

# Install build dependencies (Debian packages) if they are missing.
deps:
	@sh .ci/deps build

test-deps:
	@sh .ci/deps test

check: check-plain check-asan

check-plain: all $(static_UNITS) $(static_HELPERS) test-deps
	VIGIL_BIN=$(CURDIR)/$(static_DIR)/bin VIGIL_UNIT=$(CURDIR)/$(static_DIR)/unit \
	VIGIL_HELPERS=$(CURDIR)/$(static_DIR)/helpers \
	VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers prove -j2 t/

check-asan: $(asan_BINS) $(asan_UNITS) $(asan_HELPERS) test-deps
	VIGIL_BIN=$(CURDIR)/$(asan_DIR)/bin VIGIL_UNIT=$(CURDIR)/$(asan_DIR)/unit \
	VIGIL_HELPERS=$(CURDIR)/$(asan_DIR)/helpers \
	VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers VIGIL_SANITIZED=1 \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	prove -j2 t/

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	cp $(static_BINS) $(DESTDIR)$(PREFIX)/bin/
	for name in $(SHUTDOWN_LINKS); do ln -sf vigil-shutdown $(DESTDIR)$(PREFIX)/bin/$$name; done
	cp doc/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/ 2>/dev/null || true

BENCH_TOOLS := probe-service pause latency count-starts pickup-latency
BENCH_BINS := $(addprefix $(BUILD)/bench/,$(BENCH_TOOLS))

# Benchmark tools: static where they stand in for a service (no loader in
# the measurement), plain otherwise.
$(BUILD)/bench/probe-service $(BUILD)/bench/pause: $(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(LDFLAGS_STATIC) -o $@ $<

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) -o $@ $<

bench: all $(BENCH_BINS)
	@sh .ci/deps bench
	VIGIL_BIN=$(CURDIR)/$(static_DIR)/bin VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers \
	BENCH_BIN=$(CURDIR)/$(BUILD)/bench QUICK=$(QUICK) sh bench/run

clean:
	rm -rf $(BUILD)

include rootfs/rootfs.mk
