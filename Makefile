# vigil — top-level build. GNU make, no configure step.
#   make            build every program, static against musl (build/static/bin),
#                   with skalibs and execline built for musl from Debian's
#                   source packages under build/musl (fetched and built once)
#   make LIBC=glibc the same, static against glibc and the system's skalibs-dev
#                   (build/static-glibc/bin)
#   make check      build, then run the host tests, plain and under ASan+UBSan
#                   (plain runs the LIBC build; ASan is always glibc, dynamic)
#   make check-plain LIBC=glibc   the host tests against the glibc build
#   make install    DESTDIR=... PREFIX=... (default /usr/local), stripped; the
#                   core services into $(SYSCONFDIR)/vigil/core (default /etc)
#   make clean
# Every build product lives under build/.

.DEFAULT_GOAL := all

PREFIX  ?= /usr/local
# The core services (rootfs/core/) go to $(SYSCONFDIR)/vigil/core, whatever PREFIX.
SYSCONFDIR ?= /etc
DESTDIR ?=
BUILD   ?= build
# The C library of the static programs: musl (the default: a supervisor's
# private memory falls from 52 KiB to about 16) or glibc.
LIBC    ?= musl

CC      ?= cc
MUSL_CC ?= musl-gcc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter
CPPFLAGS_ALL := -D_GNU_SOURCE -Ilib -Isupervise -Iscan -Ilog -Ictl $(CPPFLAGS)
# Non-PIE static: no start-up relocations, so the pages stay shared between
# the hundreds of supervisors of a real machine.
LDFLAGS_STATIC := -static -no-pie

# Programs: DIR/NAME, built from DIR/NAME.c, the sources in NAME_SRC (if
# any) and libvigil.a (every lib/*.c).
PROGRAMS := supervise/vigil-supervise scan/vigil-scan log/vigil-log ctl/svc ctl/svok ctl/svstat ctl/svwait \
            ctl/svactivate ctl/svdeactivate ctl/vigil-populate init/vigil-init shutdown/vigil-shutdown \
            log/svlog ctl/vigil-analyze
vigil-supervise_SRC := supervise/supervise-state.c supervise/supervise-spawn.c supervise/supervise-needs.c supervise/supervise-notify.c \
                       supervise/supervise-env.c supervise/supervise-instance.c supervise/supervise-cgroup.c
vigil-scan_SRC := scan/scan.c scan/scan-order.c scan/scan-stop.c scan/scan-index.c scan/scan-table.c scan/scan-run.c scan/scan-dir.c scan/scan-instance.c scan/scan-cgroup.c
vigil-log_SRC := log/logdir.c log/select.c log/frame.c
svstat_SRC := ctl/svstat-row.c ctl/svstat-table.c ctl/svstat-json.c
svlog_SRC := log/logstamp.c log/logname.c log/logfind.c log/logsource.c log/logjson.c
vigil-analyze_SRC := ctl/analyze-boot.c ctl/analyze-plot.c ctl/analyze-read.c
# What the unit tests (t/unit/*.c) link beside libvigil.a.
UNIT_LINK_SRC := $(vigil-supervise_SRC) scan/scan-stop.c scan/scan-index.c scan/scan-table.c $(svlog_SRC) \
                 ctl/analyze-boot.c ctl/analyze-plot.c
# Names of vigil-shutdown that `make install` links to it.
SHUTDOWN_LINKS := halt poweroff reboot shutdown

LIB_SRC  := $(wildcard lib/*.c)
LIB_HDR  := $(wildcard lib/*.h) $(wildcard supervise/*.h scan/*.h log/*.h ctl/*.h)
UNIT_SRC := $(wildcard t/unit/*.c)
HELPER_SRC := $(wildcard t/helpers/*.c)

# skalibs and execline for musl, from Debian's source packages (the same
# versions as the system's skalibs-dev), built once under build/musl.
MUSL_DIR := $(BUILD)/musl
MUSL_SKALIBS := $(MUSL_DIR)/skalibs/lib/libskarnet.a
MUSL_EXECLINE := $(MUSL_DIR)/execline/bin/execlineb

# One variant per build flavour:
#   musl   static against musl and build/musl's libskarnet.a (build/static)
#   glibc  static against glibc and the system's libskarnet.a
#   asan   dynamic glibc, ASan+UBSan (sanitizers need the dynamic loader)
# Test helpers (t/helpers) are glibc in every variant: they only drive tests.
musl_DIR := $(BUILD)/static
musl_CC := $(MUSL_CC)
# A section per function and datum, so that --gc-sections can drop what a
# program does not use of a module; no unwind tables (C, no exceptions:
# debuggers read .debug_frame), 6 KiB less of the scanner's text.
musl_FLAGS := -isystem $(MUSL_DIR)/skalibs/include -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
# One r-x segment for headers, text and read-only data (no page of each
# apart), and skalibs' unused sections dropped: 16 KiB less private memory
# in the scanner, which runs as one copy and so owns all its text. No
# RELRO: a static musl program never makes it read-only (that is the
# dynamic linker's job), and its page-aligned end cost every process a
# page of its own (.got apart from .data).
musl_LDFLAGS := $(LDFLAGS_STATIC) -Wl,-z,noseparate-code -Wl,--gc-sections -Wl,-z,norelro
musl_SKARNET := $(MUSL_SKALIBS)
musl_NEEDS := $(MUSL_SKALIBS)

# The scanner runs as one copy (PID 1), so all its text is private memory:
# its own code is built for size (15 pages of text, not 18), as speed
# there is a fork and a few syscalls per event.
$(musl_DIR)/scan/%.o: musl_FLAGS += -Os

glibc_DIR := $(BUILD)/static-glibc
glibc_CC := $(CC)
glibc_FLAGS :=
glibc_LDFLAGS := $(LDFLAGS_STATIC)
glibc_SKARNET := -lskarnet
glibc_NEEDS :=

asan_DIR := $(BUILD)/asan
asan_CC := $(CC)
asan_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan_LDFLAGS :=
asan_SKARNET := -lskarnet
asan_NEEDS :=

define variant
$(1)_LIB := $$($(1)_DIR)/libvigil.a

$$($(1)_DIR)/%.o: %.c $$(LIB_HDR) | deps $$($(1)_NEEDS)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$(CPPFLAGS_ALL) $$(CFLAGS) $$($(1)_FLAGS) $$(WARN) -c -o $$@ $$<

$$($(1)_LIB): $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(LIB_SRC))
	rm -f $$@ && ar rcs $$@ $$^

$$($(1)_DIR)/unit/%: $$($(1)_DIR)/t/unit/%.o $$(patsubst %.c,$$($(1)_DIR)/%.o,$$(UNIT_LINK_SRC)) $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$(CFLAGS) $$($(1)_FLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$($(1)_SKARNET)

$$($(1)_DIR)/helpers/%: t/helpers/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(if $$(filter asan,$(1)),$$(asan_FLAGS)) $$(WARN) -o $$@ $$<

$(1)_BINS  := $$(addprefix $$($(1)_DIR)/bin/,$$(notdir $$(PROGRAMS)))
$(1)_HELPERS := $$(patsubst t/helpers/%.c,$$($(1)_DIR)/helpers/%,$$(HELPER_SRC))
$(1)_UNITS := $$(patsubst t/unit/%.c,$$($(1)_DIR)/unit/%,$$(UNIT_SRC))
endef

# program VARIANT DIR/NAME
define program
$$($(1)_DIR)/bin/$(notdir $(2)): $$($(1)_DIR)/$(2).o $$(patsubst %.c,$$($(1)_DIR)/%.o,$$($(notdir $(2))_SRC)) $$($(1)_LIB)
	@mkdir -p $$(dir $$@)
	$$($(1)_CC) $$(CFLAGS) $$($(1)_FLAGS) $$($(1)_LDFLAGS) -o $$@ $$^ $$($(1)_SKARNET)
endef

VARIANTS := musl glibc asan
$(foreach v,$(VARIANTS),$(eval $(call variant,$(v))))
$(foreach v,$(VARIANTS),$(foreach p,$(PROGRAMS),$(eval $(call program,$(v),$(p)))))

# "static" is the variant LIBC names: what make, check-plain and install use.
ifeq ($(LIBC),musl)
static := musl
else ifeq ($(LIBC),glibc)
static := glibc
else
$(error LIBC must be musl or glibc, not "$(LIBC)")
endif
static_DIR := $($(static)_DIR)
static_BINS := $($(static)_BINS)
static_UNITS := $($(static)_UNITS)
static_HELPERS := $($(static)_HELPERS)
ALL := $(static_BINS) $(if $(filter musl,$(LIBC)),execline)

.PHONY: all check check-plain check-asan install clean deps test-deps fuzz fuzz-deps bench bench-chaos bench-container container-image execline
.SECONDARY:

all: $(ALL)

# Install build dependencies (Debian packages) if they are missing.
deps:
	@sh .ci/deps build $(LIBC)

test-deps:
	@sh .ci/deps test $(LIBC)

# skalibs for musl: static only, into build/musl/skalibs. musl-gcc sees no
# <linux/...> headers; skalibs needs none (its sysdeps probes that would
# use them, like nsgetparent, come out "no", and vigil uses none of them).
$(MUSL_DIR)/skalibs-src/configure: | deps
	@mkdir -p $(MUSL_DIR)
	APTDIR=$(abspath $(BUILD)/apt) sh .ci/debian-source skalibs $(MUSL_DIR)/skalibs-src
	@touch $@

$(MUSL_SKALIBS): $(MUSL_DIR)/skalibs-src/configure
	rm -rf $(MUSL_DIR)/skalibs
	cd $(MUSL_DIR)/skalibs-src && CC=$(MUSL_CC) ./configure --prefix=$(abspath $(MUSL_DIR)/skalibs) \
	  --libdir=$(abspath $(MUSL_DIR)/skalibs/lib) --includedir=$(abspath $(MUSL_DIR)/skalibs/include) \
	  --sysdepdir=$(abspath $(MUSL_DIR)/skalibs/lib/sysdeps) \
	  --disable-shared --enable-static --disable-all-pic > ../skalibs-build.log
	$(MAKE) -C $(MUSL_DIR)/skalibs-src >> $(MUSL_DIR)/skalibs-build.log
	$(MAKE) -C $(MUSL_DIR)/skalibs-src install >> $(MUSL_DIR)/skalibs-build.log

# execline for musl, static, every program in build/musl/execline/bin (for
# the boot image's #!/bin/execlineb run scripts; installing it is the boot
# image's business). Its source package may be out of reach where skalibs'
# is not (a partial mirror): .ci/execline says so and vigil still builds.
execline: $(MUSL_SKALIBS)
	@MUSL_CC=$(MUSL_CC) APTDIR=$(abspath $(BUILD)/apt) sh .ci/execline $(abspath $(MUSL_DIR))

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 -s $(static_BINS) $(DESTDIR)$(PREFIX)/bin/
	for name in $(SHUTDOWN_LINKS); do ln -sf vigil-shutdown $(DESTDIR)$(PREFIX)/bin/$$name; done
	cp doc/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/ 2>/dev/null || true
	mkdir -p $(DESTDIR)$(SYSCONFDIR)/vigil/core
	cp -R rootfs/core/. $(DESTDIR)$(SYSCONFDIR)/vigil/core/

# libFuzzer harnesses (t/fuzz/NAME.c) for the parsers of outside input,
# clang with ASan+UBSan, against the system's skalibs (glibc). make check
# runs each for 5 s (t/0008-fuzz.t); make fuzz for FUZZ_S seconds (60),
# from the seeds in t/fuzz/corpus/NAME, keeping what it finds under
# build/fuzz/corpus/NAME and a crash's input as build/fuzz/crash-*.
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CC ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_NAMES := $(basename $(notdir $(wildcard t/fuzz/*.c)))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/bin/,$(FUZZ_NAMES))
FUZZ_S ?= 60
# What each harness links beside lib/: the parser under test outside lib/.
fuzz_supervise-state_SRC := supervise/supervise-state.c
fuzz_sdnotify_SRC := supervise/supervise-notify.c
fuzz_log-select_SRC := log/select.c
fuzz_log-frame_SRC := log/frame.c
fuzz_svlog-line_SRC := log/logstamp.c log/logjson.c log/logname.c log/logfind.c

# The host tests (plain, then under ASan+UBSan), then the QEMU boot tests.
check: check-plain check-asan check-boot

check-plain: all $(static_UNITS) $(static_HELPERS) test-deps $(FUZZ_BINS)
	VIGIL_BIN=$(CURDIR)/$(static_DIR)/bin VIGIL_UNIT=$(CURDIR)/$(static_DIR)/unit \
	VIGIL_HELPERS=$(CURDIR)/$(static_DIR)/helpers VIGIL_FUZZ=$(CURDIR)/$(FUZZ_DIR) \
	VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers prove -j2 t/

fuzz-deps:
	@sh .ci/deps fuzz

$(FUZZ_DIR)/obj/%.o: %.c $(LIB_HDR) | fuzz-deps test-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) -c -o $@ $<

$(FUZZ_DIR)/libvigil.a: $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC))
	rm -f $@ && ar rcs $@ $^

.SECONDEXPANSION:
$(FUZZ_DIR)/bin/%: t/fuzz/%.c $$(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$$(fuzz_$$*_SRC)) $(FUZZ_DIR)/libvigil.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_FLAGS) -fsanitize=fuzzer $(WARN) -o $@ $^ -lskarnet

fuzz: $(FUZZ_BINS)
	sh t/fuzz/run $(FUZZ_DIR)/bin $(FUZZ_S) $(FUZZ_DIR)

check-asan: $(asan_BINS) $(asan_UNITS) $(asan_HELPERS) test-deps
	VIGIL_BIN=$(CURDIR)/$(asan_DIR)/bin VIGIL_UNIT=$(CURDIR)/$(asan_DIR)/unit \
	VIGIL_HELPERS=$(CURDIR)/$(asan_DIR)/helpers \
	VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers VIGIL_SANITIZED=1 \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	prove -j2 t/

BENCH_TOOLS := probe-service pause pause-musl latency count-starts pickup-latency stop-wait chaos-driver chaos-writer svlog-gen
BENCH_BINS := $(addprefix $(BUILD)/bench/,$(BENCH_TOOLS))

# Benchmark tools: static where they stand in for a service (no loader in
# the measurement), plain otherwise; pause twice, the floor of each libc.
$(BUILD)/bench/probe-service $(BUILD)/bench/pause: $(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) $(LDFLAGS_STATIC) -o $@ $<

$(BUILD)/bench/pause-musl: bench/pause.c | deps
	@mkdir -p $(dir $@)
	$(MUSL_CC) -O2 $(WARN) $(LDFLAGS_STATIC) -o $@ $<

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 $(WARN) -o $@ $<

# vigil's musl build (the default) and its glibc build, side by side.
bench: $(musl_BINS) $(glibc_BINS) $(BENCH_BINS)
	@sh .ci/deps bench glibc
	VIGIL_BIN=$(CURDIR)/$(musl_DIR)/bin VIGIL_BIN_GLIBC=$(CURDIR)/$(glibc_DIR)/bin \
	VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers \
	BENCH_BIN=$(CURDIR)/$(BUILD)/bench QUICK=$(QUICK) sh bench/run

# Chaos: 100 logged services under random kills, restarts, renames and
# removals for CHAOS_S seconds (600), two CPU hogs beside (bench/chaos).
bench-chaos: $(musl_BINS) $(BENCH_BINS)
	VIGIL_BIN=$(CURDIR)/$(musl_DIR)/bin VIGIL_PEERS=$(CURDIR)/$(BUILD)/peers \
	BENCH_BIN=$(CURDIR)/$(BUILD)/bench sh bench/chaos $(or $(CHAOS_S),600)

# build/container/: Dockerfile and vigil-rootfs.tar, for podman build or docker build.
container-image: $(static_BINS)
	sh rootfs/container/mkimage $(BUILD)/container $(static_DIR)/bin

# vigil as a container's PID 1 beside tini, catatonit and dumb-init (root).
bench-container: $(musl_BINS)
	VIGIL_BIN=$(CURDIR)/$(musl_DIR)/bin ROUNDS=$(or $(ROUNDS),5) sh bench/container

clean:
	rm -rf $(BUILD)

include rootfs/rootfs.mk
include rootfs/debian/debian.mk
