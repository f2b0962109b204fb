# lattop - one GNU Makefile. Everything generated goes under $(O).
O ?= build
PREFIX ?= /usr/local
DESTDIR ?=
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VMLINUX_H ?=
CC ?= cc
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || ls /usr/sbin/bpftool 2>/dev/null)
PKG_CONFIG ?= pkg-config
SANITIZE ?=
VERSION := 0.1.0

# Debian packages the build and every test tier need.
DEB_PKGS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libncurses-dev \
	pkg-config libcmocka-dev tmux linux-libc-dev make gcc python3 procps \
	nginx wrk bpftrace libbpf-tools libclang-rt-14-dev htop jq \
	libmicrohttpd-dev libgnutls28-dev libcrypt-dev libcurl4-gnutls-dev libjansson-dev \
	prometheus python3-prometheus-client systemd

PKGS := libbpf libelf zlib ncursesw libmicrohttpd libcurl jansson
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wvla -Wpointer-arith -Wcast-qual -Wundef -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DLATTOP_VERSION='"$(VERSION)"' \
	-DLATTOP_THEMES_DIR='"$(PREFIX)/share/lattop/themes"' $(WARN) $(CFLAGS) \
	-Iinclude -Isrc -I$(O) -MMD -MP $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcrypt -lpthread -lm
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(O)/%.skel.h,$(BPF_SRCS))
GEN_HDRS := $(O)/gen/syscall_table.h

# Pure code (no libbpf, curses or threads): also linked into unit tests and fuzzers.
PURE_UI_SRCS := src/ui/theme_parse.c src/ui/layout.c src/ui/table_fit.c src/ui/settings.c \
		src/ui/settings_file.c src/ui/proc_cmdline.c
CORE_SRCS := $(wildcard src/core/*.c) $(wildcard src/export/*.c) $(PURE_UI_SRCS)
# src/*.c: main.c and the subcommands' wiring (cmd_*.c). src/net: HTTP (libmicrohttpd, libcurl).
APP_SRCS := $(wildcard src/collect/*.c) $(wildcard src/net/*.c) $(filter-out $(PURE_UI_SRCS),$(wildcard src/ui/*.c)) $(wildcard src/*.c)
CORE_OBJS := $(patsubst src/%.c,$(O)/obj/%.o,$(CORE_SRCS))
APP_OBJS := $(patsubst src/%.c,$(O)/obj/%.o,$(APP_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(O)/tests/%,$(filter-out %.bpf.c,$(HELPER_SRCS)))
# BPF objects the tests load themselves (tc programs that make packet loss).
HELPER_BPF := $(patsubst tests/helpers/%.bpf.c,$(O)/tests/%.bpf.o,$(wildcard tests/helpers/*.bpf.c))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all deps run test test-all test-unit helpers test-asan test-tsan fuzz bench soak install clean check-layers format-check
.DELETE_ON_ERROR:
# Keep generated intermediates (BPF objects, skeletons): they are inputs, not litter.
.SECONDARY:

all: $(O)/lattop

$(O)/lattop: $(CORE_OBJS) $(APP_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/obj/%.o: src/%.c $(GEN_HDRS) | $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libcore.a: $(CORE_OBJS)
	$(AR) rcs $@ $^

# --- kernel side ---------------------------------------------------------
$(O)/vmlinux.h:
	@mkdir -p $(@D)
	@if [ -n "$(VMLINUX_H)" ]; then cp "$(VMLINUX_H)" $@; \
	elif [ -r "$(VMLINUX_BTF)" ] && [ -n "$(BPFTOOL)" ]; then \
		$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@; \
	else \
		echo "error: cannot make vmlinux.h: $(VMLINUX_BTF) is not readable (kernel without" \
		     "CONFIG_DEBUG_INFO_BTF?) or bpftool is missing; run 'make deps', or pass" \
		     "VMLINUX_BTF=/path/to/btf or VMLINUX_H=/path/to/vmlinux.h" >&2; exit 1; \
	fi

$(O)/bpf/%.bpf.o: bpf/%.bpf.c $(O)/vmlinux.h $(wildcard bpf/lib/*.h) include/abi/lat_abi.h
	@mkdir -p $(@D)
	@# BPF_PROG() declares ctx and every argument, used or not.
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror -Wno-unused-parameter \
		-I$(O) -Iinclude -Ibpf -c $< -o $@

$(O)/%.skel.h: $(O)/bpf/%.bpf.o
	@# DWARF is not needed at run time; BTF stays.
	llvm-strip -g -o $(O)/bpf/$*.stripped.o $<
	$(BPFTOOL) gen skeleton $(O)/bpf/$*.stripped.o name $*_bpf > $@

# Syscall names come from the kernel's uapi header, never a typed-in list.
# clang says x86_64-pc-linux-gnu where Debian's directory is x86_64-linux-gnu: ask gcc too.
UNISTD_H ?= $(firstword $(wildcard $(foreach t,$(shell $(CC) -dumpmachine) $(shell gcc -dumpmachine 2>/dev/null),/usr/include/$(t)/asm/unistd_64.h) /usr/include/asm/unistd_64.h))
$(GEN_HDRS): $(UNISTD_H)
	@mkdir -p $(@D)
	@test -n "$(UNISTD_H)" || { echo "error: asm/unistd_64.h not found; run 'make deps' (linux-libc-dev)" >&2; exit 1; }
	awk '$$1 == "#define" && $$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { sub(/^__NR_/, "", $$2); printf "\t[%s] = \"%s\",\n", $$3, $$2 }' $< > $@

# --- tests ----------------------------------------------------------------
$(O)/tests/test_%: tests/unit/test_%.c $(O)/libcore.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(O)/libcore.a $(LDFLAGS) -lcmocka -ljansson -lpthread -lm -lz

$(O)/tests/%: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) -lpthread -lm

$(O)/tests/%.bpf.o: tests/helpers/%.bpf.c
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -mcpu=v3 -Wall -Wextra -Werror \
		-I/usr/include/$(shell gcc -dumpmachine) \
		-c $< -o $@

test-unit: $(UNIT_BINS)

helpers: $(HELPER_BINS) $(HELPER_BPF)

# Fuzz targets: clang + libFuzzer, built from the parsers' sources directly.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc -I$(O)
$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRCS) $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) -ljansson -lm -lz

fuzz: $(FUZZ_BINS)

# Every tier; prints "N passed, N failed, N skipped". deps first, in its own
# make, because pkg-config flags are read when the Makefile is parsed.
test: deps
	$(MAKE) test-all

test-all: check-layers all test-unit $(HELPER_BINS) $(HELPER_BPF)
	O=$(O) tests/run-all.sh

bench: deps
	$(MAKE) all $(HELPER_BINS) $(O)/bench/bench_history $(O)/bench/bench_scrape
	O=$(O) tests/bench/run.sh

# Soak and fault suite (not part of `make test`): live lattop under floods,
# churn, signal storms, full filesystems; SOAK_SECONDS (default 600) bounds it.
SOAK_HELPERS := $(patsubst tests/soak/%.c,$(O)/soak/%,$(wildcard tests/soak/*.c))
$(O)/soak/%: tests/soak/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS)

soak: deps
	$(MAKE) all $(HELPER_BINS) $(SOAK_HELPERS)
	O=$(O) tests/soak/run.sh

# The dashboard's per-row history against its table views, per tick (pure code).
$(O)/bench/bench_history: tests/bench/bench_history.c $(O)/libcore.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcore.a $(LDFLAGS) -ljansson -lm -lz

# One /metrics render at 100, 1,000, the default and the largest series limit (pure code).
$(O)/bench/bench_scrape: tests/bench/bench_scrape.c $(O)/libcore.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcore.a $(LDFLAGS) -ljansson -lm -lz

# The benchmark's floor: empty programs on lattop's hooks, and their loader.
$(O)/bench/floor_loader: tests/bench/floor_loader.c tests/bench/floor.bpf.c $(O)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror -Wno-unused-parameter \
		-I$(O) -c tests/bench/floor.bpf.c -o $(O)/bench/floor.bpf.o
	llvm-strip -g -o $(O)/bench/floor.stripped.o $(O)/bench/floor.bpf.o
	$(BPFTOOL) gen skeleton $(O)/bench/floor.stripped.o name floor_bpf > $(O)/bench/floor.skel.h
	$(CC) $(ALL_CFLAGS) -I$(O)/bench -o $@ $< $(LDFLAGS) $(LDLIBS)

# The block bench: one loader for lattop's block.bpf.o and for empty programs on its hooks.
$(O)/bench/obj_loader: tests/bench/obj_loader.c $(O)/bpf/block.bpf.o $(O)/bench/block_floor.bpf.o
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

$(O)/bench/block_floor.bpf.o: tests/bench/block_floor.bpf.c $(O)/vmlinux.h
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror -Wno-unused-parameter \
		-I$(O) -c $< -o $@

# --- set-up ---------------------------------------------------------------
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

run: deps
	$(MAKE) all
	$(O)/lattop $(ARGS)

install: all
	install -D -m 0755 $(O)/lattop $(DESTDIR)$(PREFIX)/sbin/lattop
	install -d $(DESTDIR)$(PREFIX)/share/lattop/themes
	install -m 0644 themes/*.theme $(DESTDIR)$(PREFIX)/share/lattop/themes/

# Layers: which of src/'s layers may include which, and libbpf/curses/pthread where (STYLE.md).
check-layers:
	@tests/check_layers.sh

format-check:
	clang-format --dry-run --Werror $(wildcard src/*/*.[ch] src/*.c include/abi/*.h)

clean:
	rm -rf $(O) build-*

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
