# cocscan — GNU Make build. `make` builds ./cocscan; `make check` runs every test;
# `make demo` scans the bundled demo portal; `make SANITIZE=1 …` builds with ASan+UBSan.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
PKGS       := openssl libcurl libxml-2.0 jansson yaml-0.1

ifeq ($(SANITIZE),1)
VARIANT    := san
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT        := -O1
else
VARIANT    := rel
SAN_FLAGS  :=
OPT        := -O2
endif

BUILD      ?= build
B          := $(BUILD)/$(VARIANT)
GEN        := $(BUILD)/gen

WARN       := -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -Wconversion \
              -Wno-sign-conversion -Wstrict-prototypes -Wmissing-prototypes
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN       += -Werror
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS   += -D_GNU_SOURCE -DCOC_VERSION='"$(VERSION)"' -Iscanner -Ichecks -Ireports -I$(GEN)
CFLAGS     ?= $(OPT) -g
ALL_CFLAGS := -std=c17 $(WARN) $(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS)
LDLIBS     := $(PKG_LIBS) -lpthread

LIB_SRC    := $(filter-out scanner/main.c,$(wildcard scanner/*.c checks/*.c reports/*.c))
LIB_OBJ    := $(patsubst %.c,$(B)/%.o,$(LIB_SRC)) $(B)/gen/builtin_profiles.o
MAIN_OBJ   := $(B)/scanner/main.o
PROFILES   := $(sort $(wildcard profiles/*.yaml))

FUZZ_SRC   := $(wildcard test/fuzz/fuzz_*.c)
FUZZ_BIN   := $(patsubst test/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_OBJ   := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(LIB_SRC)) $(BUILD)/fuzz/obj/gen/builtin_profiles.o
FUZZ_CC    := clang
FUZZ_FLAGS := -std=c17 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 60

UNIT_SRC   := $(wildcard test/unit/test_*.c)
UNIT_BIN   := $(patsubst test/unit/%.c,$(B)/unit/%,$(UNIT_SRC))

# Debian packages the build, the tests and the demo need; `make deps` installs what is missing.
DEB_PKGS   := gcc make pkg-config libssl-dev libcurl4-openssl-dev libxml2-dev libjansson-dev \
              libyaml-dev libcmocka-dev openssl nginx curl jq perl python3-jsonschema gnutls-bin \
              procps iproute2 clang libclang-rt-14-dev nodejs testssl.sh sslscan apache2 \
              valgrind chromium groff-base libxml2-utils \
              python3-yaml

.PHONY: all deps check unit integration fuzz fuzz-smoke demo bench install clean FORCE
.DELETE_ON_ERROR:
.SECONDARY: $(FUZZ_OBJ)

all: cocscan

cocscan: $(B)/cocscan FORCE
	@cmp -s $< $@ || cp $< $@

$(B)/cocscan: $(MAIN_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(GEN)/builtin_profiles.c: scanner/gen_builtin.sh $(PROFILES)
	@mkdir -p $(GEN)
	sh scanner/gen_builtin.sh $(PROFILES) > $@.tmp && mv $@.tmp $@

$(B)/gen/builtin_profiles.o: $(GEN)/builtin_profiles.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/unit/%: test/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $^ $(LDLIBS) -lcmocka

# libFuzzer targets: the library built once more with clang and sanitizer coverage.
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/obj/gen/builtin_profiles.o: $(GEN)/builtin_profiles.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -c -o $@ $<

$(BUILD)/fuzz/%: test/fuzz/%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $^ $(LDLIBS)

# `make fuzz`: each target FUZZ_SECONDS on a scratch copy of its seed corpus (new inputs stay
# in build/); crashes are written to $(BUILD)/fuzz/.
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; mkdir -p $(BUILD)/fuzz/corpus/$$n; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(BUILD)/fuzz/$$n- \
	        $(BUILD)/fuzz/corpus/$$n test/fuzz/corpus/$$n || exit 1; done

# The smoke run `make check` does: every seed, then a few seconds of mutation, per target.
fuzz-smoke: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; rm -rf $(BUILD)/fuzz/smoke/$$n; \
	    mkdir -p $(BUILD)/fuzz/smoke/$$n; \
	    $$f -max_total_time=5 -artifact_prefix=$(BUILD)/fuzz/$$n- $(BUILD)/fuzz/smoke/$$n \
	        test/fuzz/corpus/$$n >$(BUILD)/fuzz/$$n.log 2>&1 || \
	        { tail -30 $(BUILD)/fuzz/$$n.log; exit 1; }; \
	    echo "fuzz-smoke: $$n ok ($$(grep -o 'Done [0-9]* runs' $(BUILD)/fuzz/$$n.log))"; done

deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
	        missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing$$missing"; \
	    if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        $$missing >/dev/null || { echo "make deps: apt-get failed" >&2; exit 1; }; \
	fi
	@bash test/tools/observatory.sh install || \
	    echo "make deps: warning: MDN HTTP Observatory not installed; its test will skip" >&2

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $$t || fail=1; done; \
	for t in test/unit/*.sh; do [ -e "$$t" ] || continue; sh $$t || fail=1; done; exit $$fail

integration: cocscan
	COCSCAN=$(CURDIR)/cocscan COC_BUILD=$(abspath $(BUILD)) prove -f test/integration/

check: deps
	@$(MAKE) --no-print-directory cocscan
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory fuzz-smoke

demo: deps
	@$(MAKE) --no-print-directory cocscan
	@bash test/fixtures/demo/demo.sh

# Timing and agreement of cocscan's TLS enumeration vs sslscan and testssl.sh (test/bench/README.md);
# prints numbers, never fails on them. BENCH_RUNS=N runs per tool per server (default 3).
bench: cocscan
	bash test/bench/bench.sh

install: cocscan
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/cocscan/profiles \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 cocscan $(DESTDIR)$(PREFIX)/bin/cocscan
	install -m 0644 $(PROFILES) $(DESTDIR)$(PREFIX)/share/cocscan/profiles/
	install -m 0644 docs/cocscan.1 $(DESTDIR)$(PREFIX)/share/man/man1/cocscan.1

clean:
	rm -rf $(BUILD) cocscan

-include $(shell find $(BUILD)/rel $(BUILD)/san $(BUILD)/fuzz -name '*.d' -type f 2>/dev/null)
