# SPDX-License-Identifier: GPL-2.0-or-later
# Makefile -- builds libvnsearch, the programs and the tests into build/.
#   make               library, vnsearch-indexer, vnsearchd (when present)
#   make test          unit + end-to-end tests, then the same under ASan+UBSan
#   make check         the tests once, in this build (SANITIZE=1 for ASan+UBSan)
#   make demo          build, index the demo corpus, query it (README step 1)
#   make fuzz          libFuzzer on the parsers, FUZZ_SECONDS each (clang; build/fuzz)
#   make stress        bounded stress suite against a real vnsearchd (tests/stress)
#   make relevance     known-item and precision checks over ../shared/corpus
#   make bench         indexing and query benchmarks over ../shared/corpus (bench/README.md)

SANITIZE ?=
FUZZ ?=
ifeq ($(FUZZ),1)
# libFuzzer needs clang: the library is instrumented for coverage too
BUILD ?= build/fuzz
CC = clang
CXX = clang++
SANFLAGS = -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined
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
PKGS = xapian-core libutf8proc jansson libevent libevent_pthreads
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN = -Wall -Wextra -Werror
CFLAGS_ALL = -std=c11 $(OPT) -g $(WARN) -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
	-D_DEFAULT_SOURCE -fPIC -Icommon -Isearchd -Iclient $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
CXXFLAGS_ALL = -std=c++17 $(OPT) -g $(WARN) -fPIC -Icommon $(PKG_CFLAGS) $(SANFLAGS) $(CXXFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(SANFLAGS) $(LDFLAGS)

COMMON_C := $(wildcard common/*.c)
COMMON_CXX := $(wildcard common/*.cc)
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
# the daemon without its main(): the command table reaches every handler
SEARCHD_LIB_OBJ := $(filter-out $(BUILD)/obj/searchd/main.o,$(SEARCHD_OBJ))

all: $(LIB_A) $(LIB_SO) $(BINS) $(CLIENT_A) $(CLIENT_SO)

# libvnsearch-client: only the protocol, jansson and sockets (no Xapian)
$(CLIENT_A): $(CLIENT_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo '  AR  $@'
	@ar rcs $@ $^

$(CLIENT_SO): $(CLIENT_OBJ)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CC) -shared -o $@ $^ $(shell pkg-config --libs jansson) $(SANFLAGS)

$(BUILD)/bin/vnsearch: $(BUILD)/obj/client/cli.o $(CLIENT_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CC) -o $@ $^ $(shell pkg-config --libs jansson) $(SANFLAGS)

$(BUILD)/tests/test_client: $(BUILD)/obj/tests/unit/test_client.o $(CLIENT_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CC) -o $@ $^ $(shell pkg-config --libs jansson) $(SANFLAGS) -lcmocka

$(BUILD)/obj/%.o: %.c $(wildcard common/*.h searchd/*.h client/*.h)
	@mkdir -p $(dir $@)
	@echo '  CC  $<'
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/obj/%.o: %.cc $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	@echo '  CXX $<'
	@$(CXX) $(CXXFLAGS_ALL) -c $< -o $@

$(LIB_A): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo '  AR  $@'
	@ar rcs $@ $^

$(LIB_SO): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -shared -o $@ $^ $(LDLIBS_ALL)

# Programs link the static library; the C++ runtime comes from linking with $(CXX).
$(BUILD)/bin/vnsearch-indexer: $(BUILD)/obj/indexer/main.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/bin/vnsearchd: $(SEARCHD_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

# Unit tests of the daemon's pure parts link its protocol objects.
$(BUILD)/tests/test_proto: $(BUILD)/obj/tests/unit/test_proto.o $(SEARCHD_LIB_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL) -lcmocka

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL) -lcmocka

# Examples, compiled as a user would (no -Wwrite-strings), built by make test.
EXFLAGS = -std=c11 $(OPT) -g -Wall -Wextra -Werror -Icommon -Iclient $(SANFLAGS)
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
	@VN_BUILD=$(BUILD) CMOCKA_MESSAGE_OUTPUT=TAP prove --exec '' $(UNIT_BIN) tests/e2e/*.sh

# The whole suite twice: optimised build, then ASan+UBSan.  One harness so
# the output ends in a single summary line.
test:
	@$(MAKE) --no-print-directory tests-build
	@$(MAKE) --no-print-directory SANITIZE=1 tests-build
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  CMOCKA_MESSAGE_OUTPUT=TAP tests/run-all.sh

check-asan:
	@$(MAKE) --no-print-directory SANITIZE=1 check

DEMO_INDEX ?= build/demo-index
demo: all
	@config/demo.sh $(BUILD) $(DEMO_INDEX)

CORPUS ?= ../shared/corpus
relevance: all
	@python3 tests/relevance.py --bin $(BUILD)/bin/vnsearch-indexer --corpus $(CORPUS)

# The benchmark's peer: plain Xapian, deliberately not through libvnsearch.
$(BUILD)/bench/xapian-baseline: bench/xapian_baseline.cc
	@mkdir -p $(dir $@)
	@echo '  CXX $<'
	@$(CXX) $(CXXFLAGS_ALL) -o $@ $< $(LDLIBS_ALL)

$(BUILD)/bench/query-bench: $(BUILD)/obj/bench/query_bench.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

# The daemon design not taken, built only to be measured against vnsearchd.
$(BUILD)/bench/searchd-loops: $(BUILD)/obj/bench/searchd_loops.o $(SEARCHD_LIB_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -o $@ $^ $(LDLIBS_ALL)

bench: all $(BUILD)/bench/xapian-baseline $(BUILD)/bench/query-bench $(BUILD)/bench/searchd-loops
	@bench/run.sh $(BUILD) $(CORPUS)

# make install PREFIX=/usr/local [DESTDIR=...]; make uninstall with the same.
PREFIX ?= /usr/local
DEST = $(DESTDIR)$(PREFIX)
MANPAGES := docs/man/vnsearch-indexer.1 docs/man/vnsearchd.1 docs/man/vnsearch.1
PKG_REQ = xapian-core libutf8proc jansson
install: all
	install -d $(DEST)/bin $(DEST)/lib/pkgconfig $(DEST)/include $(DEST)/share/man/man1 \
		$(DEST)/share/vnsearch $(DEST)/lib/systemd/system
	install -m 755 $(BINS) $(DEST)/bin/
	install -m 644 $(LIB_A) $(CLIENT_A) $(DEST)/lib/
	install -m 755 $(LIB_SO) $(CLIENT_SO) $(DEST)/lib/
	install -m 644 common/vnsearch.h client/vnsearch_client.h $(DEST)/include/
	install -m 644 $(MANPAGES) $(DEST)/share/man/man1/
	install -m 644 config/vnsearch.conf config/vnsearch.crontab config/aliases.txt $(DEST)/share/vnsearch/
	install -d $(DEST)/share/vnsearch/web
	install -m 644 web/index.html web/app.js web/style.css $(DEST)/share/vnsearch/web/
	install -m 644 config/vnsearchd.service config/vnsearch-shard@.service config/vnsearch-replica@.service \
		config/vnsearch-replicate-server.service $(DEST)/lib/systemd/system/
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: vnsearch\nDescription: Vietnamese-aware full-text search (embedding library)\nVersion: 0.1.0\nRequires.private: %s\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lvnsearch\nLibs.private: -lstdc++ -lpthread -lm\n' \
		'$(PREFIX)' '$(PKG_REQ)' > $(DEST)/lib/pkgconfig/vnsearch.pc
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: vnsearch-client\nDescription: C client for the vnsearchd protocol\nVersion: 0.1.0\nRequires.private: jansson\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lvnsearch-client\n' \
		'$(PREFIX)' > $(DEST)/lib/pkgconfig/vnsearch-client.pc

uninstall:
	rm -f $(addprefix $(DEST)/bin/,vnsearch-indexer vnsearchd vnsearch)
	rm -f $(addprefix $(DEST)/lib/,libvnsearch.a libvnsearch.so libvnsearch-client.a libvnsearch-client.so)
	rm -f $(DEST)/lib/pkgconfig/vnsearch.pc $(DEST)/lib/pkgconfig/vnsearch-client.pc
	rm -f $(DEST)/include/vnsearch.h $(DEST)/include/vnsearch_client.h
	rm -f $(addprefix $(DEST)/share/man/man1/,$(notdir $(MANPAGES)))
	rm -f $(DEST)/share/vnsearch/vnsearch.conf $(DEST)/share/vnsearch/vnsearch.crontab $(DEST)/share/vnsearch/aliases.txt
	rm -f $(addprefix $(DEST)/share/vnsearch/web/,index.html app.js style.css)
	-rmdir $(DEST)/share/vnsearch/web 2>/dev/null
	rm -f $(DEST)/lib/systemd/system/vnsearchd.service $(DEST)/lib/systemd/system/vnsearch-shard@.service \
		$(DEST)/lib/systemd/system/vnsearch-replica@.service $(DEST)/lib/systemd/system/vnsearch-replicate-server.service
	-rmdir $(DEST)/share/vnsearch 2>/dev/null

clean:
	rm -rf build

# libFuzzer harnesses (tests/fuzz/): make fuzz runs each for FUZZ_SECONDS
# from seeds made of tests/data; make test runs a short pass.
FUZZ_BINS := $(BUILD)/fuzz/fuzz_proto $(BUILD)/fuzz/fuzz_query $(BUILD)/fuzz/fuzz_article
$(BUILD)/fuzz/fuzz_proto: $(BUILD)/obj/tests/fuzz/fuzz_proto.o $(SEARCHD_LIB_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo '  LD  $@'
	@$(CXX) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

fuzz-bins: $(FUZZ_BINS)

# The bounded stress suite, full size (make test runs its --quick pass).
stress: all
	@VN_BUILD=$(BUILD) prove -v --exec python3 tests/stress/stress.py tests/stress/push_kill.py

FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	@tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

.PHONY: all tests-build check test check-asan demo relevance bench install uninstall clean fuzz fuzz-bins stress
.SECONDARY:
