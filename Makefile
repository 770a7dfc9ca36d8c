# diag - see README.md.  One non-recursive GNU Makefile.
#   make                 build $(B)/diag
#   make test            install missing Debian packages, build, run every test
#   make check           the same suite under ASan+UBSan (build-san/)
#   make valgrind        the same suite under valgrind
#   make fuzz            clang libFuzzer targets, each run for FUZZ_SECONDS
#   make demo            the README's first command
#   make bench           benchmarks (uses ../shared/bench when present)
#   make lint            gcc+clang -Werror, banned calls, mandoc -Tlint
#   make install PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
B ?= build
V ?=
PKG_CONFIG ?= pkg-config
FUZZ_SECONDS ?= 20
VENDOR_RECIPIENTS ?=
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

PKGS := libsodium zlib libpcre2-8 libcjson yaml-0.1
NOPKG_GOALS := deps clean demo test check valgrind fuzz bench install-deps
ifneq ($(filter-out $(NOPKG_GOALS),$(or $(MAKECMDGOALS),all)),)
  ifneq ($(shell $(PKG_CONFIG) --exists $(PKGS) && echo yes),yes)
    $(error missing libraries: run 'make deps' (needs $(PKGS) via pkg-config))
  endif
endif
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wvla -Wwrite-strings \
	-Wpointer-arith -Wmissing-prototypes -Wno-unused-parameter
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Iinclude $(WARN) $(PKG_CFLAGS) \
	-DDIAG_VERSION='"$(VERSION)"' -DDIAG_VENDOR_RECIPIENTS='"$(VENDOR_RECIPIENTS)"' \
	$(CFLAGS) -MMD -MP

ifeq ($(V),)
  Q := @
  say = @printf '  %-7s %s\n' $(1) $(2);
endif

REDACT_SRC := $(wildcard redact/*.c)
DIAG_SRC := $(filter-out diag/main.c,$(wildcard diag/*.c diag/collectors/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/replay/%)
obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

.SECONDARY:
.PHONY: FORCE all test test-run check valgrind fuzz fuzzers demo bench lint install deps clean
all: $(B)/diag

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libredact.a: $(call obj,$(REDACT_SRC))
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^
$(B)/libdiag.a: $(call obj,$(DIAG_SRC))
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^
LIBS = $(B)/libdiag.a $(B)/libredact.a

$(B)/diag: $(call obj,diag/main.c) $(LIBS)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
	$(Q)for r in $(VENDOR_RECIPIENTS); do $@ encrypt -r "$$r" </dev/null >/dev/null 2>&1 || \
		{ rm -f $@; echo "VENDOR_RECIPIENTS: '$$r' is not an age recipient" >&2; exit 1; }; done

# The built-in recipients are compiled into export.o: rebuild it when they change.
$(B)/vendor-recipients: FORCE
	@mkdir -p $(@D)
	@echo '$(VENDOR_RECIPIENTS)' | cmp -s - $@ || echo '$(VENDOR_RECIPIENTS)' >$@
$(call obj,diag/export.c): $(B)/vendor-recipients
FORCE:

# For tests (t5020): diag with a test key built in, as make VENDOR_RECIPIENTS=... makes it.
TEST_VENDOR := $(shell sed -n 's/^\# public key: //p' tests/fixtures/trust/builtin-vendor.key)
$(B)/obj/tests/export-vendor.o: diag/export.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(ALL_CFLAGS) -UDIAG_VENDOR_RECIPIENTS \
		-DDIAG_VENDOR_RECIPIENTS='"$(TEST_VENDOR)"' -c -o $@ $<
$(B)/tests/diag-vendor: $(call obj,diag/main.c) $(B)/obj/tests/export-vendor.o $(LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/%: $(call obj,tests/unit/%.c) $(LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)
$(B)/replay/%: $(call obj,tests/fuzz/%.c tests/fuzz/replay.c) $(LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(B)/fuzz/%: $(call obj,tests/fuzz/%.c) $(LIBS)
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

test: deps
	$(Q)$(MAKE) --no-print-directory test-run
test-run: $(B)/diag $(B)/tests/diag-vendor $(UNIT_BIN) $(REPLAY_BIN)
	$(Q)B=$(B) DIAG=$(B)/diag $(TEST_ENV) bash tests/run $(T)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check: deps
	$(Q)$(MAKE) --no-print-directory B=build-san CFLAGS='-O1 -g $(SAN)' LDFLAGS='$(SAN)' \
		TEST_ENV='ASAN_OPTIONS=detect_leaks=1 DIAG_SANITIZED=1' test-run
valgrind: deps
	$(Q)$(MAKE) --no-print-directory TEST_ENV='VALGRIND=1' test-run

FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
fuzz: deps
	$(Q)$(MAKE) --no-print-directory B=build-fuzz CC=clang CFLAGS='$(FUZZ_FLAGS)' \
		LDFLAGS='-fsanitize=address,undefined' fuzzers
fuzzers: $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
	$(Q)B=$(B) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run $(T)

demo: deps
	$(Q)$(MAKE) --no-print-directory $(B)/diag
	$(Q)DIAG=$(B)/diag bash tests/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory $(B)/diag
	$(Q)DIAG=$(B)/diag bash tests/bench/run

lint:
	$(Q)$(MAKE) --no-print-directory B=build-lint-gcc CC=gcc CFLAGS='-O2 -Werror' all $(UNIT_BIN:$(B)/%=build-lint-gcc/%)
	$(Q)$(MAKE) --no-print-directory B=build-lint-clang CC=clang CFLAGS='-O2 -Werror' all $(UNIT_BIN:$(B)/%=build-lint-clang/%)
	$(Q)! grep -nwE 'strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|strncpy' diag/*.c diag/*/*.c redact/*.c || \
		{ echo 'lint: banned call above'; false; }
	$(Q)mandoc -Tlint -Wwarning diag/diag.1

install: $(B)/diag
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/diag $(DESTDIR)$(BINDIR)/diag
	install -m 644 diag/diag.1 $(DESTDIR)$(MANDIR)/man1/diag.1

deps:
	$(Q)sh tests/deps.sh

clean:
	rm -rf build build-san build-fuzz build-lint-gcc build-lint-clang

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
