# SPDX-License-Identifier: GPL-2.0-or-later
# Makefile -- builds libvnsearch, the programs and the tests into build/.
#   make               library, vnsearch-indexer, vnsearchd (when present)
#   make test          unit + end-to-end tests, then the same under ASan+UBSan
#   make check         the tests once, in this build (SANITIZE=1 for ASan+UBSan)
#   make check-layers  common/'s layers hold: includes, calls, no circle (in make test too)
#   make demo          build, index the demo corpus, query it (README step 1)
#   make fuzz          libFuzzer on the parsers, FUZZ_SECONDS each (clang; build/fuzz)
#   make stress        bounded stress suite against a real vnsearchd (tests/stress)
#   make tsan          the daemon and the two-thread build under ThreadSanitizer (30 s)
#   make relevance     known-item and precision checks over ../shared/corpus/vi-news.jsonl
#   make relevance-quick  the same over vi-news-small.jsonl
#   make bench         vnsearch beside its peers at 3 sizes, then the design studies (bench/README.md)
#   make bench-scale   the same beside the peers at 10x the corpus, made in /tmp (bench/peers.py)

SANITIZE ?=
FUZZ ?=
ifeq ($(FUZZ),1)
# libFuzzer needs clang: the library is instrumented for coverage too
BUILD ?= build/fuzz
CC = clang
CXX = clang++
SANFLAGS = -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT = -O1
else ifeq ($(TSAN),1)
# ThreadSanitizer: the programs only (make tsan, and its short pass in make test)
BUILD ?= build/tsan
SANFLAGS = -fsanitize=thread -fno-omit-frame-pointer
OPT = -O1
else ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT = -O1
else
BUILD ?= build
SANFLAGS =
OPT = -O2
endif

CC ?= cc
CXX ?= c++
PKGS = xapian-core libutf8proc jansson libevent libevent_pthreads zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN = -Wall -Wextra -Werror
# -fvisibility=hidden: the shared libraries export what vnsearch.h and
# vnsearch_client.h declare (VN_EXPORT, VNC_EXPORT), nothing else;
# -MMD -MP: each object's header dependencies, written by the compiler.
CFLAGS_ALL = -std=c11 $(OPT) -g $(WARN) -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
	-D_DEFAULT_SOURCE -fPIC -fvisibility=hidden -MMD -MP $(PKG_CFLAGS) $(SANFLAGS) \
	$(CPPFLAGS) $(CFLAGS)
CXXFLAGS_ALL = -std=c++17 $(OPT) -g $(WARN) -fPIC -fvisibility=hidden -MMD -MP $(PKG_CFLAGS) $(SANFLAGS) \
	$(CPPFLAGS) $(CXXFLAGS)
# Include paths: a folder of common/ sees its own layer and those under it
# (common/layers.mk); the programs and tests see every layer; the client
# sees only the public headers and the header-only base.
include common/layers.mk
layer_inc = -Iinclude $(addprefix -Icommon/,$(LAYER_$(1)))
ALL_INC = -Iinclude $(addprefix -Icommon/,$(LAYERS)) -Isearchd
CLIENT_INC = -Iinclude -Icommon/base
# The version, from vnsearch.h; the shared libraries' SONAME carries the major.
VERSION := $(shell sed -n 's/^\#define VNSEARCH_VERSION "\(.*\)"/\1/p' include/vnsearch.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(SANFLAGS) $(LDFLAGS)

COMMON_C := $(wildcard $(addsuffix /*.c,$(addprefix common/,$(LIB_LAYERS))))
COMMON_CXX := $(wildcard $(addsuffix /*.cc,$(addprefix common/,$(LIB_LAYERS))))
APP_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard common/app/*.c))
COMMON_OBJ := $(COMMON_C:%.c=$(BUILD)/obj/%.o) $(COMMON_CXX:%.cc=$(BUILD)/obj/%.o)
LIB_A := $(BUILD)/lib/libvnsearch.a
LIB_SO := $(BUILD)/lib/libvnsearch.so

CLIENT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out client/cli.c,$(wildcard client/*.c)))
CLIENT_A := $(BUILD)/lib/libvnsearch-client.a
CLIENT_SO := $(BUILD)/lib/libvnsearch-client.so

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BINS := $(BUILD)/bin/vnsearch-indexer $(BUILD)/bin/vnsearchd $(BUILD)/bin/vnsearch
SEARCHD_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard searchd/*.c))
# the daemon without its main() (the design study of bench/ links it)
SEARCHD_LIB_OBJ := $(filter-out $(BUILD)/obj/searchd/main.o,$(SEARCHD_OBJ))
# the protocol alone: the command table (data, no handlers), the parser
# and the replies, for its unit test and fuzzer (no libevent, no daemon)
PROTO_OBJ := $(addprefix $(BUILD)/obj/searchd/,commands.o proto_parse.o proto_reply.o http_codec.o)

all: $(LIB_A) $(LIB_SO) $(BINS) $(CLIENT_A) $(CLIENT_SO) $(LIB_SO).$(SOMAJOR) $(CLIENT_SO).$(SOMAJOR)

# each SONAME beside its library, so that a program linked against
# build/lib starts with LD_LIBRARY_PATH=build/lib
%.so.$(SOMAJOR): %.so
	@ln -sf $(notdir $<) $@

# libvnsearch-client: only the protocol, jansson and sockets (no Xapian)
$(CLIENT_A): $(CLIENT_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo '  AR  $@'
	@ar rcs $@ $^

$(CLIENT_SO): $(CLIENT_OBJ) client/libvnsearch-client.map
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CC) -shared -Wl,-soname,libvnsearch-client.so.$(SOMAJOR) -Wl,--version-script=client/libvnsearch-client.map -o $@ $(CLIENT_OBJ) $(shell pkg-config --libs jansson) $(SANFLAGS) $(LDFLAGS)

$(BUILD)/bin/vnsearch: $(BUILD)/obj/client/cli.o $(CLIENT_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CC) -o $@ $^ $(shell pkg-config --libs jansson) $(SANFLAGS) $(LDFLAGS)

$(BUILD)/tests/test_client: $(BUILD)/obj/tests/unit/test_client.o $(CLIENT_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CC) -o $@ $^ $(shell pkg-config --libs jansson) $(SANFLAGS) -lcmocka

# common/LAYER/x.c: the include paths of its layer
$(BUILD)/obj/common/%.o: common/%.c
	@mkdir -p $(dir $@)
	@echo '  CC  $<'
	@$(CC) $(CFLAGS_ALL) $(call layer_inc,$(firstword $(subst /, ,$*))) -c $< -o $@

$(BUILD)/obj/common/%.o: common/%.cc
	@mkdir -p $(dir $@)
	@echo '  CXX $<'
	@$(CXX) $(CXXFLAGS_ALL) $(call layer_inc,$(firstword $(subst /, ,$*))) -c $< -o $@

$(BUILD)/obj/client/%.o: client/%.c
	@mkdir -p $(dir $@)
	@echo '  CC  $<'
	@$(CC) $(CFLAGS_ALL) $(CLIENT_INC) -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC  $<'
	@$(CC) $(CFLAGS_ALL) $(ALL_INC) -c $< -o $@

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	@echo '  CXX $<'
	@$(CXX) $(CXXFLAGS_ALL) $(ALL_INC) -c $< -o $@

$(LIB_A): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo '  AR  $@'
	@ar rcs $@ $^

$(LIB_SO): $(COMMON_OBJ) common/libvnsearch.map
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -shared -Wl,-soname,libvnsearch.so.$(SOMAJOR) -Wl,--version-script=common/libvnsearch.map -o $@ $(COMMON_OBJ) $(LDLIBS_ALL)

# Programs link the static library; the C++ runtime comes from linking with $(CXX).
$(BUILD)/bin/vnsearch-indexer: $(BUILD)/obj/indexer/main.o $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/bin/vnsearchd: $(SEARCHD_OBJ) $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

# The installed programs: the same objects, but the config read without
# --config is SYSCONFDIR's (make install), not the build tree's.
INST_DEF = -DVN_CONFIG_DEFAULT_PATH='"$(SYSCONFDIR)/vnsearch/vnsearch.conf"'
INST_BINS := $(BUILD)/inst/bin/vnsearch-indexer $(BUILD)/inst/bin/vnsearchd
$(BUILD)/inst/obj/%.o: %.c FORCE
	@mkdir -p $(dir $@)
	@echo '  CC  $< (installed)'
	@$(CC) $(CFLAGS_ALL) $(ALL_INC) $(INST_DEF) -c $< -o $@

$(BUILD)/inst/bin/vnsearch-indexer: $(BUILD)/inst/obj/indexer/main.o $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/inst/bin/vnsearchd: $(BUILD)/inst/obj/searchd/main.o $(SEARCHD_LIB_OBJ) $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

FORCE:

# Unit tests of the daemon's pure parts link its protocol objects only.
$(BUILD)/tests/test_proto: $(BUILD)/obj/tests/unit/test_proto.o $(PROTO_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL) -lcmocka

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL) -lcmocka

# Examples, compiled as a user would (no -Wwrite-strings), built by make test.
EXFLAGS = -std=c11 $(OPT) -g -Wall -Wextra -Werror -Iinclude $(SANFLAGS)
$(BUILD)/examples/client_search: examples/client_search.c $(CLIENT_A)
	@mkdir -p $(dir $@)
	@echo '  CC  $<'
	@$(CC) $(EXFLAGS) -o $@ $^ $(shell pkg-config --libs jansson)

$(BUILD)/examples/embed_index: examples/embed_index.c $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  CC  $<'
	@$(CC) $(EXFLAGS) -c -o $@.o $<
	@$(CXX) -o $@ $@.o $(LIB_A) $(LDLIBS_ALL)

EXAMPLES := $(BUILD)/examples/client_search $(BUILD)/examples/embed_index

tests-build: all $(UNIT_BIN) $(EXAMPLES)

# One prove run: unit tests (cmocka speaking TAP) and end-to-end scripts.
check: tests-build
	@VN_BUILD=$(BUILD) CMOCKA_MESSAGE_OUTPUT=TAP prove --exec '' $(UNIT_BIN) tests/e2e/*.sh tests/e2e/*.py

# The whole suite twice: optimised build, then ASan+UBSan.  One harness so
# the output ends in a single summary line.
test:
	@$(MAKE) --no-print-directory tests-build
	@$(MAKE) --no-print-directory SANITIZE=1 tests-build
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	@$(MAKE) --no-print-directory TSAN=1 all
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  CMOCKA_MESSAGE_OUTPUT=TAP tests/run-all.sh

# The layers of common/ (common/layers.mk) hold: includes, calls, no circle.
check-layers: all
	@python3 tests/check_layers.py $(BUILD)

check-asan:
	@$(MAKE) --no-print-directory SANITIZE=1 check

DEMO_INDEX ?= build/demo-index
demo: all
	@config/demo.sh $(BUILD) $(DEMO_INDEX)

CORPUS ?= ../shared/corpus
relevance: all
	@python3 tests/relevance.py --bin $(BUILD)/bin/vnsearch-indexer --corpus $(CORPUS)

# the same over vi-news-small.jsonl (1,000 articles): a minute, not a measure
relevance-quick: all
	@python3 tests/relevance.py --quick --bin $(BUILD)/bin/vnsearch-indexer --corpus $(CORPUS)

# The benchmark's peer: plain Xapian, deliberately not through libvnsearch.
$(BUILD)/bench/xapian-baseline: bench/xapian_baseline.cc
	@mkdir -p $(dir $@)
	@echo '  CXX $<'
	@$(CXX) $(CXXFLAGS_ALL) $(ALL_INC) -o $@ $< $(LDLIBS_ALL)

$(BUILD)/bench/query-bench: $(BUILD)/obj/bench/query_bench.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

# The daemon design not taken, built only to be measured against vnsearchd.
$(BUILD)/bench/searchd-loops: $(BUILD)/obj/bench/searchd_loops.o $(SEARCHD_LIB_OBJ) $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

bench: all $(BUILD)/bench/xapian-baseline $(BUILD)/bench/query-bench $(BUILD)/bench/searchd-loops
	@bench/run.sh $(BUILD) $(CORPUS)

# standing searches: 1,000 watches, 1,000 articles pushed (bench/watch.py)
bench-watch: all
	@python3 bench/watch.py --build $(BUILD) --corpus $(CORPUS)

# vnsearch beside raw Xapian, SQLite FTS5 and PostgreSQL 15 (bench/peers.py)
# at 10x the corpus (vi-news.jsonl ten times with new ids, in /tmp): each
# system built once, queries RUNS times.
bench-scale: all $(BUILD)/bench/xapian-baseline $(BUILD)/bench/query-bench
	@python3 bench/peers.py --build $(BUILD) --corpus $(CORPUS) --sizes 10 --no-relevance

# make install PREFIX=/usr/local [SYSCONFDIR=/etc] [LIBDIR=...] [UNITDIR=...]
# [CRONDIR=/etc/cron.d] [DESTDIR=...]; make uninstall with the same.  The
# config and the aliases go to SYSCONFDIR/vnsearch (each kept when there is
# one already: they are the administrator's), the config with the paths of
# this prefix, the index and incoming directory in /var/lib/vnsearch and
# the search page on 127.0.0.1:7701; the installed programs read that
# config by default, and the systemd units get the same paths.  The docs
# go to DOCDIR (the man pages point there).  debian/rules sets LIBDIR to
# the multiarch directory, UNITDIR to /lib/systemd/system and CRONDIR.
PREFIX ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
LIBDIR ?= $(PREFIX)/lib
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DOCDIR ?= $(PREFIX)/share/doc/vnsearch
CRONDIR ?=
DOCS := README.md $(wildcard docs/*.md)
D_BIN = $(DESTDIR)$(PREFIX)/bin
D_LIB = $(DESTDIR)$(LIBDIR)
D_INC = $(DESTDIR)$(PREFIX)/include
D_MAN = $(DESTDIR)$(PREFIX)/share/man
D_SHARE = $(DESTDIR)$(PREFIX)/share/vnsearch
D_UNIT = $(DESTDIR)$(UNITDIR)
D_USERS = $(DESTDIR)$(SYSUSERSDIR)
D_ETC = $(DESTDIR)$(SYSCONFDIR)/vnsearch
D_DOC = $(DESTDIR)$(DOCDIR)
MANPAGES := docs/man/vnsearch-indexer.1 docs/man/vnsearchd.1 docs/man/vnsearch.1
UNITS := config/vnsearch-indexer.timer config/vnsearch-shard@.service config/vnsearch-replica@.service config/vnsearch-replicate-server.service
PKG_REQ = xapian-core libutf8proc jansson
# @BINDIR@ and @SYSCONFDIR@ of a unit or the cron file
paths = sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $(1) > $(2)
# pc NAME DESCRIPTION REQUIRES LIBS: one pkg-config file
pc = printf 'prefix=%s\nlibdir=%s\nincludedir=$${prefix}/include\n\nName: %s\nDescription: %s\nVersion: %s\n%s\nCflags: -I$${includedir}\nLibs: %s\n' \
	'$(PREFIX)' '$(LIBDIR)' '$(1)' '$(2)' '$(VERSION)' '$(3)' '$(4)' > $(D_LIB)/pkgconfig/$(1).pc
install: all $(INST_BINS)
	install -d $(D_BIN) $(D_LIB)/pkgconfig $(D_INC) $(D_MAN)/man1 $(D_MAN)/man5 $(D_MAN)/man7 \
		$(D_SHARE)/web $(D_UNIT) $(D_USERS) $(D_ETC) $(D_DOC)
	install -m 755 $(INST_BINS) $(BUILD)/bin/vnsearch $(D_BIN)/
	install -m 644 $(LIB_A) $(CLIENT_A) $(D_LIB)/
	# each shared library as NAME.so.VERSION, with its SONAME (NAME.so.MAJOR)
	# and the development link (NAME.so) pointing at it
	for l in libvnsearch libvnsearch-client; do \
		install -m 644 $(BUILD)/lib/$$l.so $(D_LIB)/$$l.so.$(VERSION) && \
		ln -sf $$l.so.$(VERSION) $(D_LIB)/$$l.so.$(SOMAJOR) && \
		ln -sf $$l.so.$(SOMAJOR) $(D_LIB)/$$l.so || exit 1; \
	done
	install -m 644 include/vnsearch.h include/vnsearch_client.h $(D_INC)/
	install -m 644 $(MANPAGES) $(D_MAN)/man1/
	install -m 644 docs/man/vnsearch.conf.5 $(D_MAN)/man5/
	install -m 644 docs/man/vnsearch-protocol.7 $(D_MAN)/man7/
	install -m 644 $(DOCS) $(D_DOC)/
	install -m 644 web/index.html web/app.js web/style.css $(D_SHARE)/web/
	$(call paths,config/vnsearchd.service.in,$(D_UNIT)/vnsearchd.service)
	$(call paths,config/vnsearch-indexer.service.in,$(D_UNIT)/vnsearch-indexer.service)
	$(call paths,config/vnsearch.cron.in,$(D_SHARE)/vnsearch.cron)
	$(if $(CRONDIR),install -d $(DESTDIR)$(CRONDIR) && install -m 644 $(D_SHARE)/vnsearch.cron $(DESTDIR)$(CRONDIR)/vnsearch)
	install -m 644 $(UNITS) $(D_UNIT)/
	install -m 644 config/vnsearch.sysusers $(D_USERS)/vnsearch.conf
	[ -e $(D_ETC)/aliases.txt ] || install -m 644 config/aliases.txt $(D_ETC)/
	[ -e $(D_ETC)/vnsearch.conf ] || sed -e 's|^index = .*|index = /var/lib/vnsearch/index|' \
		-e 's|^input =.*|input = /var/lib/vnsearch/incoming|' \
		-e 's|^http_listen =.*|http_listen = 127.0.0.1:7701|' \
		-e 's|^aliases = config/|aliases = $(SYSCONFDIR)/vnsearch/|' \
		-e 's|^web_root = web|web_root = $(PREFIX)/share/vnsearch/web|' config/vnsearch.conf > $(D_ETC)/vnsearch.conf
	# shared: vnsearch.h needs no other library's header, and the .so names
	# its own dependencies, so no Requires (their Cflags would leak in)
	$(call pc,vnsearch,Vietnamese-aware full-text search (embedding library),,-L$${libdir} -lvnsearch)
	# static: libvnsearch.a by path (with -lvnsearch the linker takes the .so);
	# Xapian and the others stay shared: Debian ships no static libxapian
	$(call pc,vnsearch-static,Vietnamese-aware full-text search (embedding library; linked statically),Requires: $(PKG_REQ),$${libdir}/libvnsearch.a -lstdc++ -lpthread -lm)
	$(call pc,vnsearch-client,C client for the vnsearchd protocol,Requires.private: jansson,-L$${libdir} -lvnsearch-client)

uninstall:
	rm -f $(addprefix $(D_BIN)/,vnsearch-indexer vnsearchd vnsearch)
	rm -f $(addprefix $(D_LIB)/,libvnsearch.a libvnsearch-client.a)
	rm -f $(foreach l,libvnsearch libvnsearch-client,$(D_LIB)/$(l).so $(D_LIB)/$(l).so.$(SOMAJOR) $(D_LIB)/$(l).so.$(VERSION))
	rm -f $(addprefix $(D_LIB)/pkgconfig/,vnsearch.pc vnsearch-client.pc vnsearch-static.pc)
	rm -f $(D_INC)/vnsearch.h $(D_INC)/vnsearch_client.h
	rm -f $(addprefix $(D_MAN)/man1/,$(notdir $(MANPAGES)))
	rm -f $(D_MAN)/man5/vnsearch.conf.5 $(D_MAN)/man7/vnsearch-protocol.7
	rm -f $(D_SHARE)/vnsearch.cron $(if $(CRONDIR),$(DESTDIR)$(CRONDIR)/vnsearch)
	rm -f $(addprefix $(D_DOC)/,$(notdir $(DOCS)))
	-rmdir $(D_DOC) 2>/dev/null
	rm -f $(addprefix $(D_SHARE)/web/,index.html app.js style.css)
	-rmdir $(D_SHARE)/web $(D_SHARE) 2>/dev/null
	rm -f $(D_USERS)/vnsearch.conf $(D_UNIT)/vnsearchd.service $(D_UNIT)/vnsearch-indexer.service \
		$(addprefix $(D_UNIT)/,$(notdir $(UNITS)))
	@echo "make uninstall keeps $(D_ETC)/vnsearch.conf and aliases.txt (yours) and /var/lib/vnsearch (the index); remove them by hand"

# make deb: the Debian packages (debian/), built with dpkg-buildpackage in a
# copy of the tree under build/deb/ so that nothing lands beside the
# checkout; lintian's report goes to build/deb/lintian.txt.
deb:
	rm -rf build/deb && mkdir -p build/deb/vnsearch-$(VERSION)
	git ls-files -z | xargs -0 cp --parents -t build/deb/vnsearch-$(VERSION)
	cd build/deb/vnsearch-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian $(if $(filter 0,$(shell id -u)),--allow-root) -I --pedantic build/deb/*.changes > build/deb/lintian.txt 2>&1 || true
	@ls build/deb/*.deb; echo "lintian: build/deb/lintian.txt"

# The two pages written from the files they describe (docs/man/mkman.py);
# tests/e2e/cli.sh checks that the committed ones are up to date.
man:
	python3 docs/man/mkman.py conf config/vnsearch.conf > docs/man/vnsearch.conf.5
	python3 docs/man/mkman.py protocol docs/protocol.md > docs/man/vnsearch-protocol.7

clean:
	rm -rf build

# header dependencies written by the compiler (-MMD -MP)
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# libFuzzer harnesses (tests/fuzz/): make fuzz runs each for FUZZ_SECONDS
# from seeds made of tests/data; make test runs a short pass.
FUZZ_BINS := $(BUILD)/fuzz/fuzz_proto $(BUILD)/fuzz/fuzz_query $(BUILD)/fuzz/fuzz_article
$(BUILD)/fuzz/fuzz_proto: $(BUILD)/obj/tests/fuzz/fuzz_proto.o $(PROTO_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(APP_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

fuzz-bins: $(FUZZ_BINS)

# The bounded stress suite, full size (make test runs its --quick pass).
stress: all
	@VN_BUILD=$(BUILD) prove -v --exec python3 tests/stress/stress.py tests/stress/push_kill.py

# The ThreadSanitizer pass, full length (make test runs a short one).
TSAN_SECONDS ?= 30
tsan:
	@$(MAKE) --no-print-directory TSAN=1 all
	@VN_TSAN_SECONDS=$(TSAN_SECONDS) prove -v --exec python3 tests/stress/tsan.py

FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	@tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

.PHONY: FORCE all tests-build check test check-layers check-asan demo relevance relevance-quick bench bench-scale bench-watch install uninstall clean fuzz fuzz-bins stress tsan man deb
.SECONDARY:
