// SPDX-License-Identifier: GPL-2.0-or-later
// xapian_shim.cc -- the one C++ file: Xapian behind the C API of vn_xapian.h.
//
// Every entry point runs its body inside guard(), which catches
// Xapian::Error, std::bad_alloc and anything else, and turns them into a
// vn_status with a message.  No exception leaves this file.  The shim holds
// no policy: what terms mean and how queries are shaped is decided in C.
#include "vn_xapian.h"
#include "vn_rerank.h"
#include "vn_index_dir.h"
#include "vn_clock.h"
#include "vn_calendar.h"

#include <atomic>
#include <xapian.h>

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

// One shard of a reader's index, as its stub names it.
struct shard {
    std::string name; // "gen-000003/shard-1", "10.0.0.2:7001"
    bool remote, up;
    Xapian::Database db; // when up
};

struct vn_xdb {
    Xapian::Database *db;          // the whole index: always set; == wdb for one writable database
    Xapian::WritableDatabase *wdb; // one writable database, or NULL
    std::vector<Xapian::WritableDatabase> wshards; // a writable index of several shards (by id)
    std::vector<shard> shards;     // a reader's stub, one entry per line (empty without a stub)
    // a reader of a stub opens it again when a shard fails or is down
    std::string path;
    int mode;
    bool broken;     // a shard failed: open again before the next use
    double retry_at; // when to try the shards that are down again
};

#define RETRY_DOWN_S 1.0 /* a shard that is down is tried again at most this often */
#define VN_PROGSRV "xapian-progsrv" /* found on PATH */

template <typename F>
static vn_status guard(vn_error *err, const char *what, F body)
{
    try {
        return body();
    } catch (const Xapian::DatabaseLockError &e) {
        return vn_error_set(err, VN_ERR_LOCKED, "%s: index is locked by another writer (%s)", what,
                            e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return vn_error_set(err, VN_ERR_NOTFOUND, "%s: no index there (%s)", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return vn_error_set(err, VN_ERR_CORRUPT, "%s: index is damaged (%s)", what, e.get_msg().c_str());
    } catch (const Xapian::DatabaseVersionError &e) {
        return vn_error_set(err, VN_ERR_CORRUPT, "%s: unsupported index format (%s)", what,
                            e.get_msg().c_str());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return vn_error_set(err, VN_ERR_NOTFOUND, "%s: cannot open index (%s)", what, e.get_msg().c_str());
    } catch (const Xapian::NetworkError &e) {
        // a remote shard stopped answering (timeouts included)
        return vn_error_set(err, VN_ERR_UNAVAILABLE, "%s: a shard is unavailable (%s)", what, e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        // every other Xapian error is the engine's (a server fault), also
        // InvalidArgumentError: requests are checked before Xapian sees them
        return vn_error_set(err, VN_ERR_ENGINE, "%s: %s", what, e.get_description().c_str());
    } catch (const std::bad_alloc &) {
        return vn_error_set(err, VN_ERR_NOMEM, "%s: out of memory", what);
    } catch (...) {
        return vn_error_set(err, VN_ERR_ENGINE, "%s: unexpected C++ exception", what);
    }
}

// An empty index takes our schema; one with documents must have it.
static vn_status check_schema(vn_xdb *h, const char *path, vn_error *err)
{
    std::string v = h->db->get_metadata(VN_SCHEMA_KEY);
    if (h->db->get_doccount() == 0 && v.empty()) {
        if (h->wdb)
            h->wdb->set_metadata(VN_SCHEMA_KEY, VN_SCHEMA_VERSION);
        for (auto &w : h->wshards)
            w.set_metadata(VN_SCHEMA_KEY, VN_SCHEMA_VERSION);
    } else if (h->db->get_doccount() > 0 && v != VN_SCHEMA_VERSION) {
        return vn_error_set(err, VN_ERR_CORRUPT,
                            "%s: index schema %s, this vnsearch reads schema %s: rebuild it with "
                            "vnsearch-indexer --full",
                            path, v.empty() ? "1" : v.c_str(), VN_SCHEMA_VERSION);
    }
    return VN_OK;
}

// Milliseconds for a remote exchange: `dflt`, or less when the program
// said so (vn_set_remote_timeout).  Set before the workers start; read at
// each open.
static std::atomic<unsigned> remote_limit_ms{0};

static unsigned remote_ms(unsigned dflt)
{
    unsigned l = remote_limit_ms.load(std::memory_order_relaxed);
    return l && l < dflt ? l : dflt;
}

extern "C" void vn_set_remote_timeout(double seconds)
{
    remote_limit_ms.store(seconds > 0 ? (unsigned)(seconds * 1000 < 50 ? 50 : seconds * 1000) : 0,
                          std::memory_order_relaxed);
}

// One of several local shards, searched by its own xapian-progsrv (the
// remote backend's prog method) rather than opened in this process:
// Xapian 1.4.22 matches several local databases in one matcher, which
// loses matches of some queries (an OR of words with marks over three
// shards: tests/e2e/shards.py), while each remote shard is matched alone
// and the results merged right, as they are for xapian-tcpsrv.  Without
// xapian-progsrv (Debian's xapian-tools), the shard is opened here.
static Xapian::Database open_local_shard(const char *path)
{
    try {
        return Xapian::Remote::open(VN_PROGSRV, path, remote_ms(VN_REMOTE_TIMEOUT_MS));
    } catch (const Xapian::NetworkError &) {
        return Xapian::Database(path);
    }
}

// A read mode, whatever flags are or'd into it.
static bool is_reader(int mode)
{
    return (mode & ~(VN_XDB_PARTIAL | VN_XDB_ANY_SCHEMA | VN_XDB_START_DOWN)) == VN_XDB_READ;
}

// Open each database the stub names; a remote one that does not answer
// is left down with `partial`, else the whole open fails.
static vn_status open_stub(vn_xdb *h, const vn_stub *st, int mode, vn_error *err)
{
    int start_down = mode & VN_XDB_START_DOWN, partial = mode & (VN_XDB_PARTIAL | VN_XDB_START_DOWN);
    size_t locals = 0;
    for (size_t i = 0; i < st->n; i++)
        locals += !st->db[i].remote;
    h->db = new Xapian::Database();
    size_t up = 0;
    std::string down;
    for (size_t i = 0; i < st->n; i++) {
        const vn_stub_db &d = st->db[i];
        shard sh{d.name, d.remote != 0, false, Xapian::Database()};
        try {
            if (d.remote)
                sh.db = Xapian::Remote::open(d.host, d.port, remote_ms(VN_REMOTE_TIMEOUT_MS),
                                             remote_ms(VN_REMOTE_CONNECT_MS));
            else if (locals > 1)
                sh.db = open_local_shard(d.path);
            else
                sh.db = Xapian::Database(d.path);
            sh.up = true;
        } catch (const Xapian::NetworkError &e) {
            if (!partial)
                return vn_error_set(err, VN_ERR_UNAVAILABLE, "shard %s is unavailable (%s)", d.name,
                                    e.get_msg().c_str());
            down += down.empty() ? d.name : std::string(", ") + d.name;
        }
        if (sh.up) {
            h->db->add_database(sh.db);
            up++;
        }
        h->shards.push_back(std::move(sh));
    }
    if (up == 0 && !start_down)
        return vn_error_set(err, VN_ERR_UNAVAILABLE, "no shard is available (%s)", down.c_str());
    return VN_OK;
}

static int write_flags(int mode)
{
    int flags = (mode & ~VN_XDB_NOSYNC) == VN_XDB_CREATE ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
    if (mode & VN_XDB_NOSYNC)
        flags |= Xapian::DB_NO_SYNC;
    return flags | Xapian::DB_BACKEND_GLASS;
}

// The end of every open: the schema checked, what reconnecting needs
// kept, *out set; h closed on failure.  Inside guard().
static vn_status finish_open(vn_xdb *h, const char *path, int mode, vn_xdb **out, vn_error *err)
{
    vn_status rc;
    try {
        rc = (mode & VN_XDB_ANY_SCHEMA) ? VN_OK : check_schema(h, path, err);
    } catch (...) {
        vn_xdb_close(h);
        throw;
    }
    if (rc != VN_OK) {
        vn_xdb_close(h);
        return rc;
    }
    h->path = path;
    h->mode = mode;
    h->retry_at = vn_clock_now() + RETRY_DOWN_S;
    *out = h;
    return VN_OK;
}

extern "C" vn_status vn_xdb_open(const char *path, int mode, vn_xdb **out, vn_error *err)
{
    *out = NULL;
    vn_stub st = {NULL, 0};
    if (is_reader(mode)) {
        vn_status rc = vn_stub_read(path, &st, err);
        if (rc != VN_OK)
            return rc;
    }
    vn_status rc = guard(err, path, [&]() {
        vn_xdb *h = new vn_xdb();
        try {
            vn_status rc = VN_OK;
            if (is_reader(mode)) {
                h->wdb = NULL;
                if (st.n)
                    rc = open_stub(h, &st, mode, err);
                else
                    h->db = new Xapian::Database(path);
            } else {
                h->wdb = new Xapian::WritableDatabase(path, write_flags(mode));
                h->db = h->wdb;
            }
            if (rc != VN_OK) {
                vn_xdb_close(h);
                return rc;
            }
        } catch (...) {
            vn_xdb_close(h);
            throw;
        }
        return finish_open(h, path, mode, out, err);
    });
    vn_stub_free(&st);
    return rc;
}

// A reader of a stub after a shard failed, or when one that was down may
// be back: open the stub again and take the new handle's shards (the old
// ones stay when that fails).
static vn_status reconnect(vn_xdb *h, vn_error *err)
{
    h->retry_at = vn_clock_now() + RETRY_DOWN_S;
    vn_xdb *n;
    vn_status rc = vn_xdb_open(h->path.c_str(), h->mode, &n, err);
    if (rc != VN_OK)
        return rc;
    std::swap(h->db, n->db);
    std::swap(h->shards, n->shards);
    h->broken = false;
    vn_xdb_close(n);
    return VN_OK;
}

static bool any_down(const vn_xdb *h)
{
    for (auto &sh : h->shards)
        if (!sh.up)
            return true;
    return false;
}

// A reader that must not answer while a shard is down (not
// VN_XDB_PARTIAL) has one down: opened with VN_XDB_START_DOWN, or
// reconnected without it.
static bool down_and_strict(const vn_xdb *h)
{
    return !(h->mode & VN_XDB_PARTIAL) && any_down(h);
}

static vn_status shard_unavailable(vn_error *err, const char *what)
{
    return vn_error_set(err, VN_ERR_UNAVAILABLE, "%s: a shard is unavailable (tried again every %.0f s)", what,
                        RETRY_DOWN_S);
}

// A read of a reader of a stub: first reconnect when a shard failed (or
// is down and due for a try), then run body; when a shard fails during
// it, reconnect (leaving that shard out with VN_XDB_PARTIAL) and run it
// once more.  Readers without a stub just run body.  body must have no
// effect before it succeeds.
// Before a read of a reader of a stub: reconnect when a shard failed or
// is down and due for a try; VN_ERR_UNAVAILABLE when there is nothing
// (or, without VN_XDB_PARTIAL, not everything) to read from.
static vn_status shards_ready(vn_xdb *h, vn_error *err, const char *what)
{
    if ((h->broken || any_down(h)) && vn_clock_now() >= h->retry_at) {
        vn_status rc = reconnect(h, err);
        if (rc != VN_OK && h->broken)
            return rc; /* nothing to run it on */
    }
    if (h->broken || down_and_strict(h)) /* not due yet: a dead host is not waited for at every request */
        return shard_unavailable(err, what);
    return VN_OK;
}

// Run body, which reads h's database; when a writer committed twice under
// it (live writes commit often: the revision read is gone), catch up and
// run it again, at most twice more.  body must be safe to run again: it
// starts afresh, or goes on from state it keeps (vn_xdb_each_term).
template <typename F>
static vn_status caught_up(vn_xdb *h, F body)
{
    for (int attempt = 0;; attempt++) {
        try {
            return body();
        } catch (const Xapian::DatabaseModifiedError &) {
            if (attempt >= 2)
                throw;
            h->db->reopen();
        }
    }
}

template <typename F>
static vn_status read_op(vn_xdb *h, vn_error *err, const char *what, F body)
{
    if (h->shards.empty() || h->wdb)
        return guard(err, what, body);
    vn_status rc = shards_ready(h, err, what);
    if (rc != VN_OK)
        return rc;
    rc = guard(err, what, body);
    if (rc != VN_ERR_UNAVAILABLE)
        return rc;
    h->broken = true;
    if ((rc = reconnect(h, err)) != VN_OK)
        return rc;
    if (down_and_strict(h))
        return shard_unavailable(err, what);
    return guard(err, what, body);
}

extern "C" vn_status vn_xdb_open_shards(const char *path, unsigned nshards, int mode, vn_xdb **out, vn_error *err)
{
    if (nshards <= 1)
        return vn_xdb_open(path, mode, out, err);
    *out = NULL;
    if ((mode & ~VN_XDB_NOSYNC) == VN_XDB_CREATE && mkdir(path, 0755) != 0 && errno != EEXIST)
        return vn_error_set(err, VN_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    return guard(err, path, [&]() {
        vn_xdb *h = new vn_xdb();
        try {
            h->db = new Xapian::Database();
            for (unsigned k = 0; k < nshards; k++) {
                char sp[4200];
                vn_index_dir_shard_path(path, (int)k, sp, sizeof sp);
                h->wshards.emplace_back(sp, write_flags(mode));
                h->db->add_database(h->wshards.back());
            }
        } catch (...) {
            vn_xdb_close(h);
            throw;
        }
        return finish_open(h, path, mode, out, err);
    });
}

extern "C" void vn_xdb_close(vn_xdb *h)
{
    if (!h)
        return;
    try {
        if (h->wdb)
            h->wdb->close(); // releases the lock; uncommitted changes are dropped
        for (auto &w : h->wshards)
            w.close();
    } catch (...) {
    }
    delete h->db;
    delete h;
}

// The writable database that holds (or will hold) the document with
// unique term `idterm`; NULL for a reader.
static Xapian::WritableDatabase *writer(vn_xdb *h, const char *idterm)
{
    if (h->wdb)
        return h->wdb;
    if (h->wshards.empty())
        return NULL;
    return &h->wshards[vn_index_dir_shard_of(idterm + strlen(VN_PREFIX_ID), (unsigned)h->wshards.size())];
}

static int writable(const vn_xdb *h)
{
    return h->wdb || !h->wshards.empty();
}

static Xapian::docid find_doc(Xapian::Database &db, const char *idterm)
{
    Xapian::PostingIterator p = db.postlist_begin(idterm);
    return p == db.postlist_end(idterm) ? 0 : *p;
}

extern "C" vn_status vn_xdb_replace(vn_xdb *h, const vn_docspec *d, vn_error *err)
{
    if (!writable(h))
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "add document", [&]() {
        Xapian::Document doc;
        // plain terms repeat (one per occurrence): sum their wdf first, so
        // Xapian's document map sees each term once
        std::unordered_map<std::string_view, Xapian::termcount> plain;
        plain.reserve(d->n);
        std::string term;
        for (size_t i = 0; i < d->n; i++) {
            const vn_docterm &t = d->t[i];
            if (t.kind == VN_TERM_BOOLEAN) {
                term.assign(d->terms.data + t.off, t.len);
                doc.add_boolean_term(term);
            } else {
                plain[std::string_view(d->terms.data + t.off, t.len)] += t.wdf;
            }
        }
        for (const auto &p : plain)
            doc.add_term(std::string(p.first), p.second);
        doc.add_boolean_term(d->idterm);
        if (d->date_value[0])
            doc.add_value(VN_SLOT_DATE, d->date_value);
        doc.add_value(VN_SLOT_HASH, d->hash_value);
        doc.add_value(VN_SLOT_ID, std::string(d->idterm + strlen(VN_PREFIX_ID)));
        if (d->source_value.len)
            doc.add_value(VN_SLOT_SOURCE, std::string(d->source_value.data, d->source_value.len));
        if (d->words_value.len)
            doc.add_value(VN_SLOT_WORDS, std::string(d->words_value.data, d->words_value.len));
        if (d->has_minhash)
            doc.add_value(VN_SLOT_MINHASH, std::string((const char *)d->minhash_value, VN_MINHASH_BYTES));
        doc.set_data(std::string(d->data.data ? d->data.data : "", d->data.len));
        writer(h, d->idterm)->replace_document(d->idterm, doc);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_set_meta(vn_xdb *h, const char *key, const char *value, vn_error *err)
{
    if (!writable(h))
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "set metadata", [&]() {
        if (h->wdb)
            h->wdb->set_metadata(key, value);
        for (auto &w : h->wshards) // every shard: a reader of any one knows it
            w.set_metadata(key, value);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_get_meta(vn_xdb *h, const char *key, char **value, vn_error *err)
{
    *value = NULL;
    return read_op(h, err, "read metadata", [&]() {
        *value = vn_xstrdup(h->db->get_metadata(key).c_str());
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_delete(vn_xdb *h, const char *idterm, vn_error *err)
{
    if (!writable(h))
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "delete document", [&]() {
        writer(h, idterm)->delete_document(idterm);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_commit(vn_xdb *h, vn_error *err)
{
    if (!writable(h))
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "commit", [&]() {
        // shard by shard: a kill between two leaves one a batch ahead of
        // another, each consistent (the next run redoes the batch)
        if (h->wdb)
            h->wdb->commit();
        for (auto &w : h->wshards)
            w.commit();
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_reopen(vn_xdb *h, int *changed, vn_error *err)
{
    if (changed)
        *changed = 0;
    size_t down = 0;
    for (auto &sh : h->shards)
        down += !sh.up;
    return read_op(h, err, "reopen", [&]() {
        bool c = h->db->reopen();
        size_t now_down = 0;
        for (auto &sh : h->shards)
            now_down += !sh.up;
        if (changed)
            *changed = c || now_down != down; // a shard back (or gone) changes the answers too
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_get_value(vn_xdb *h, const char *idterm, unsigned slot, char *out, size_t outlen,
                                      size_t *len, int *found, vn_error *err)
{
    *found = 0;
    return read_op(h, err, "read value", [&]() {
        Xapian::WritableDatabase *w = writer(h, idterm); // a writer reads its own shard
        Xapian::Database &db = w ? *w : *h->db;
        Xapian::docid id = find_doc(db, idterm);
        if (!id)
            return VN_OK;
        std::string v = db.get_document(id, Xapian::DOC_ASSUME_VALID).get_value(slot);
        size_t n = v.size() < outlen ? v.size() : outlen - 1;
        memcpy(out, v.data(), n);
        out[n] = '\0';
        if (len)
            *len = n;
        *found = 1;
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_set_unique_prefixed(vn_xdb *h, const char *idterm, const char *prefix, const char *term,
                                               vn_error *err)
{
    if (!writable(h))
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "update document", [&]() {
        Xapian::WritableDatabase *w = writer(h, idterm);
        Xapian::docid id = find_doc(*w, idterm);
        if (!id)
            return VN_OK;
        // a document read from the database it is written back to: Xapian
        // updates only the terms that changed
        Xapian::Document doc = w->get_document(id);
        std::vector<std::string> old;
        for (Xapian::TermIterator t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            t.skip_to(prefix);
            if (t == doc.termlist_end() || (*t).compare(0, strlen(prefix), prefix) != 0)
                break;
            old.push_back(*t);
        }
        for (auto &t : old)
            doc.remove_term(t);
        doc.add_boolean_term(term);
        w->replace_document(id, doc);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_id_by_term(vn_xdb *h, const char *term, char *id, size_t idlen, int *found,
                                      vn_error *err)
{
    *found = 0;
    return read_op(h, err, "find document", [&]() {
        Xapian::docid d = find_doc(*h->db, term);
        if (!d)
            return VN_OK;
        std::string v = h->db->get_document(d, Xapian::DOC_ASSUME_VALID).get_value(VN_SLOT_ID);
        if (v.empty() || v.size() >= idlen)
            return VN_OK; /* written before the id had a slot: not known this way */
        memcpy(id, v.data(), v.size());
        id[v.size()] = '\0';
        *found = 1;
        return VN_OK;
    });
}

// The terms relevance feedback may offer: folded words (XF) and pairs of
// folded words (XP), Vietnamese and English alike; not the publisher
// (XPUB...: an upper-case letter after the prefix) nor any filter term.
class feedback_terms : public Xapian::ExpandDecider {
  public:
    bool operator()(const std::string &t) const override
    {
        return t.size() > 2 && t[0] == 'X' && (t[1] == 'F' || t[1] == 'P') &&
               !(t[2] >= 'A' && t[2] <= 'Z');
    }
};

extern "C" vn_status vn_xdb_expand(vn_xdb *h, const char *idterm, unsigned max, vn_xterm **out, size_t *n,
                                   vn_error *err)
{
    *out = NULL;
    *n = 0;
    return read_op(h, err, "related terms", [&]() {
        Xapian::docid id = find_doc(*h->db, idterm);
        if (!id && any_down(h))
            return vn_error_set(err, VN_ERR_UNAVAILABLE,
                                "no document with that id on the shards that answer; a shard is down");
        if (!id)
            return vn_error_set(err, VN_ERR_NOTFOUND, "no such document");
        Xapian::Enquire enquire(*h->db);
        Xapian::RSet rset;
        rset.add_document(id);
        feedback_terms keep;
        Xapian::ESet eset = enquire.get_eset(max, rset, &keep);
        vn_xterm *t = (vn_xterm *)vn_xcalloc(eset.size() ? eset.size() : 1, sizeof *t);
        size_t k = 0;
        for (Xapian::ESetIterator e = eset.begin(); e != eset.end(); ++e, ++k) {
            std::string s = *e;
            t[k].term = vn_xstrndup(s.data(), s.size());
            t[k].weight = e.get_weight();
        }
        *out = t;
        *n = k;
        return VN_OK;
    });
}

extern "C" void vn_xterms_free(vn_xterm *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i].term);
    free(t);
}

extern "C" vn_status vn_xdb_get_data(vn_xdb *h, const char *idterm, vn_buf *out, vn_error *err)
{
    return read_op(h, err, "read document", [&]() {
        Xapian::docid id = find_doc(*h->db, idterm);
        if (!id && any_down(h)) // it may be on a shard that did not answer
            return vn_error_set(err, VN_ERR_UNAVAILABLE,
                                "no document with that id on the shards that answer; a shard is down");
        if (!id)
            return vn_error_set(err, VN_ERR_NOTFOUND, "no such document");
        std::string v = h->db->get_document(id).get_data();
        vn_buf_append(out, v.data(), v.size());
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_get_data_docid(vn_xdb *h, uint32_t docid, vn_buf *out, vn_error *err)
{
    return read_op(h, err, "read document", [&]() {
        std::string v = h->db->get_document(docid).get_data();
        vn_buf_append(out, v.data(), v.size());
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_each_term(vn_xdb *h, const char *prefix,
                                      int (*cb)(const char *, size_t, uint64_t, void *), void *ctx, vn_error *err)
{
    // not read_op: cb has seen terms when a shard fails part way; the
    // same rules before it starts
    vn_status rc = !h->wdb && !h->shards.empty() ? shards_ready(h, err, "list terms") : VN_OK;
    if (rc != VN_OK)
        return rc;
    rc = guard(err, "list terms", [&]() {
        // a writer committed twice under us (live writes commit often):
        // catch up and go on after the last term seen, none twice
        std::string last;
        bool seen = false;
        return caught_up(h, [&]() {
            Xapian::TermIterator t = h->db->allterms_begin(prefix), end = h->db->allterms_end(prefix);
            if (seen) {
                t.skip_to(last);
                if (t != end && *t == last)
                    ++t;
            }
            for (; t != end; ++t) {
                last = *t;
                seen = true;
                if (cb(last.data(), last.size(), t.get_termfreq(), ctx))
                    break;
            }
            return VN_OK;
        });
    });
    if (rc == VN_ERR_UNAVAILABLE && !h->shards.empty())
        h->broken = true; /* the next read reconnects */
    return rc;
}

struct vn_xmark {
    std::unordered_map<std::string, Xapian::docid> last; // a database's uuid: its last document number seen
};

extern "C" void vn_xmark_free(vn_xmark *m) { delete m; }

extern "C" vn_status vn_xdb_new_ids(vn_xdb *h, vn_xmark **mark, int (*cb)(const char *, size_t, void *), void *ctx,
                                    vn_error *err)
{
    return read_op(h, err, "list new documents", [&]() {
        std::vector<Xapian::Database *> dbs; // each shard on its own: numbers interleave in the whole
        for (auto &sh : h->shards)
            if (sh.up)
                dbs.push_back(&sh.db);
        if (h->shards.empty())
            dbs.push_back(h->db);
        vn_xmark *m = *mark, next;
        bool stop = false;
        for (Xapian::Database *db : dbs) {
            std::string uuid = db->get_uuid();
            Xapian::docid last = db->get_lastdocid();
            next.last[uuid] = last;
            auto seen = m ? m->last.find(uuid) : next.last.end();
            if (!m || seen == m->last.end() || stop)
                continue;
            Xapian::docid from = seen->second;
            if (last > from + VN_NEW_DOCS_MAX)
                from = last - VN_NEW_DOCS_MAX;
            for (Xapian::docid d = from + 1; d <= last && !stop; d++) {
                try {
                    std::string id = db->get_document(d).get_value(VN_SLOT_ID);
                    stop = !id.empty() && cb(id.data(), id.size(), ctx);
                } catch (const Xapian::DocNotFoundError &) {
                    // added and deleted since: nothing new
                }
            }
        }
        if (m)
            m->last = std::move(next.last);
        else
            *mark = new vn_xmark(std::move(next));
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_occurrences(vn_xdb *h, const char *const *terms, size_t n, uint64_t *occ,
                                       vn_error *err)
{
    return read_op(h, err, "count occurrences", [&]() {
        return caught_up(h, [&]() {
            for (size_t i = 0; i < n; i++)
                occ[i] = h->db->get_collection_freq(terms[i]);
            return VN_OK;
        });
    });
}

extern "C" vn_status vn_xdb_each_doc_with_term(vn_xdb *h, const char *term, int with_data,
                                               int (*cb)(const char *, const char *, size_t, void *), void *ctx,
                                               vn_error *err)
{
    return read_op(h, err, "list documents", [&]() {
        Xapian::Database &db = *h->db;
        for (Xapian::PostingIterator p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
            Xapian::Document doc = db.get_document(*p, Xapian::DOC_ASSUME_VALID);
            std::string id = doc.get_value(VN_SLOT_ID), data = with_data ? doc.get_data() : std::string();
            if (cb(id.c_str(), data.data(), data.size(), ctx))
                break;
        }
        return VN_OK;
    });
}

// A database's revision; 0 for a remote one (the remote protocol of 1.4
// does not carry it).
static uint64_t revision(const Xapian::Database &db)
{
    try {
        return db.get_revision();
    } catch (const Xapian::UnimplementedError &) {
        return 0;
    }
}

extern "C" vn_status vn_xdb_info_get(vn_xdb *h, vn_xdb_info *info, vn_error *err)
{
    return read_op(h, err, "index info", [&]() {
        info->doccount = h->db->get_doccount();
        info->avg_length = h->db->get_avlength();
        // Xapian gives one database's revision: of several, their sum,
        // which grows at every commit of any of them
        info->revision = 0;
        if (h->db->size() == 1)
            info->revision = revision(*h->db);
        for (auto &sh : h->shards)
            if (sh.up && h->db->size() > 1)
                info->revision += revision(sh.db);
        for (auto &w : h->wshards)
            info->revision += w.get_revision();
        info->shards = h->shards.empty() ? (h->wshards.empty() ? 1 : h->wshards.size()) : h->shards.size();
        info->shards_down = 0;
        for (auto &sh : h->shards)
            info->shards_down += !sh.up;
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_shard_info(vn_xdb *h, size_t i, vn_xdb_shard *out, vn_error *err)
{
    memset(out, 0, sizeof *out);
    if (i >= h->shards.size())
        return vn_error_set(err, VN_ERR_NOTFOUND, "no shard %zu", i);
    shard &sh = h->shards[i];
    out->name = sh.name.c_str();
    out->remote = sh.remote;
    out->up = sh.up;
    if (!sh.up)
        return VN_OK;
    return guard(err, sh.name.c_str(), [&]() {
        out->doccount = sh.db.get_doccount();
        out->revision = revision(sh.db);
        return VN_OK;
    });
}

// vn_qnode tree -> Xapian::Query, recursively.
// word*: the `limit` terms with the prefix that most documents hold, as
// one synonym.  Expanded here, over the whole index, rather than by
// OP_WILDCARD: Xapian expands that in each shard apart, so that a sharded
// index would weigh other terms than one index of the same documents.
static Xapian::Query expand(Xapian::Database &db, const std::string &prefix, unsigned limit)
{
    std::vector<std::pair<Xapian::doccount, std::string>> t;
    for (Xapian::TermIterator i = db.allterms_begin(prefix); i != db.allterms_end(prefix); ++i)
        t.emplace_back(i.get_termfreq(), *i);
    if (t.size() > limit) { // most documents first; between equals, the term (any order is right, one is stable)
        std::partial_sort(t.begin(), t.begin() + limit, t.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        t.resize(limit);
    }
    std::vector<Xapian::Query> terms;
    for (auto &x : t)
        terms.emplace_back(x.second);
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
}

static Xapian::Query to_xapian(Xapian::Database &db, const vn_qnode *q)
{
    std::vector<Xapian::Query> kids;
    kids.reserve(q->nkids);
    for (size_t i = 0; i < q->nkids; i++)
        kids.push_back(to_xapian(db, q->kids[i]));
    switch (q->op) {
    case VN_Q_TERM: return Xapian::Query(q->term);
    case VN_Q_BOOL_TERM: return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(q->term), 0.0);
    case VN_Q_OR: return Xapian::Query(Xapian::Query::OP_OR, kids.begin(), kids.end());
    case VN_Q_AND: return Xapian::Query(Xapian::Query::OP_AND, kids.begin(), kids.end());
    case VN_Q_AND_MAYBE: return Xapian::Query(Xapian::Query::OP_AND_MAYBE, kids.begin(), kids.end());
    case VN_Q_AND_NOT: return Xapian::Query(Xapian::Query::OP_AND_NOT, kids.begin(), kids.end());
    case VN_Q_FILTER: return Xapian::Query(Xapian::Query::OP_FILTER, kids.begin(), kids.end());
    case VN_Q_SCALE: return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, kids.at(0), q->scale);
    case VN_Q_VALUE_RANGE: return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, q->slot, q->term, q->term2);
    case VN_Q_WILDCARD: return expand(db, q->term, q->window ? q->window : 100);
    case VN_Q_CONST:
        // A fixed weight for every document, filtered by the kid: a constant
        // bonus with an exact bound, which Xapian's max-weight pruning uses.
        // FixedWeightPostingSource is built in, so the query still
        // serialises to a stock xapian-tcpsrv.
        return Xapian::Query(Xapian::Query::OP_FILTER,
                             Xapian::Query((new Xapian::FixedWeightPostingSource(q->scale))->release()), kids.at(0));
    case VN_Q_ADD_CONST:
        // AND with a fixed-weight source sums the weights; the source is
        // only skipped to, so the kid's posting list drives the match
        return Xapian::Query(Xapian::Query::OP_AND, kids.at(0),
                             Xapian::Query((new Xapian::FixedWeightPostingSource(q->scale))->release()));
    case VN_Q_SYNONYM: return Xapian::Query(Xapian::Query::OP_SYNONYM, kids.begin(), kids.end());
    case VN_Q_MATCH_ALL: return Xapian::Query::MatchAll;
    }
    return Xapian::Query();
}

extern "C" double vn_fresh_share(long days, unsigned fresh)
{
    return std::exp2(-(double)labs(days) / fresh);
}

// Recency (o->fresh, docs/ranking.md): every dated match gains
// F * 2^(-d/h), d the days between its date and today, F half the best
// score of the query itself (a search for its top match first: Xapian's
// bound from the terms' statistics is the sum of every term's best,
// several times what an OR of many words, RELATED's, ever scores); an
// undated one nothing, as one dated years away.  A map from the date
// value to its weight, Xapian's own posting source, so that the query
// still serialises to a stock xapian-tcpsrv.  Past ten half-lives (a
// share under 1/1024), or ten years, nothing.
static Xapian::Query with_fresh(Xapian::Database &db, const Xapian::Query &xq, const vn_xsearch_opts *o)
{
    Xapian::Enquire e(db);
    e.set_query(xq);
    double top = e.get_mset(0, 1).get_max_attained(), bonus = top > 0 ? top / 2 : 1;
    auto *map = new Xapian::ValueMapPostingSource(VN_SLOT_DATE);
    long span = std::min<long>(10L * o->fresh, VN_FRESH_MAX);
    for (long d = -span; d <= span; d++) {
        vn_day day = vn_day_from_number(o->today + d);
        char key[16];
        snprintf(key, sizeof key, "%04d%02d%02d", day.y, day.m, day.d);
        map->add_mapping(key, bonus * vn_fresh_share(d, o->fresh));
    }
    map->set_default_weight(0);
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, xq, Xapian::Query(map->release()));
}

// The ranks in `m` of the page's matches, in order: stage one's from
// o->offset, or (stage2: m holds the top from rank 0) the first
// rerank_depth re-ordered by their records' keys, stage one's order
// between equal keys, then the rest as stage one ranked them.  Records
// are read in stage one's order until offset + limit of them hold the
// best key a document can have: none after them can rank in the page (a
// later one with that key ranks after them), and most queries stop after
// the page's own (each record read is a B-tree lookup).
static std::vector<Xapian::doccount> page_order(Xapian::MSet &m, const vn_xsearch_opts *o, bool stage2,
                                                unsigned *best_run, unsigned *best_typed,
                                                std::vector<std::string> &recs)
{
    std::vector<Xapian::doccount> order;
    if (!stage2) {
        for (Xapian::doccount k = 0; k < m.size(); k++)
            order.push_back(k);
        return order;
    }
    Xapian::doccount depth = m.size() < o->rerank_depth ? m.size() : o->rerank_depth, read = 0;
    Xapian::doccount need = o->offset + o->limit, perfect = 0;
    vn_rerank_key best;
    vn_rerank_key_best(o->rerank, &best);
    std::vector<std::pair<vn_rerank_key, Xapian::doccount>> keyed;
    keyed.reserve(depth);
    for (; read < depth && perfect < need; read++) {
        recs.push_back(m[read].get_document().get_value(VN_SLOT_WORDS));
        vn_rerank_key k;
        vn_rerank_key_of(o->rerank, recs.back().data(), recs.back().size(), &k);
        keyed.emplace_back(k, read);
        *best_run = std::max(*best_run, k.run);
        *best_typed = std::max(*best_typed, k.typed);
        perfect += vn_rerank_key_cmp(&k, &best) == 0;
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
        return vn_rerank_key_cmp(&a.first, &b.first) > 0;
    });
    for (Xapian::doccount k = o->offset; k < m.size(); k++)
        order.push_back(k < read ? keyed[k].second : k);
    return order;
}

// The page's hits (each with its stored document and record, as o asks:
// stage two's records are not read twice) and the facets into r.  Reads
// documents, so it can throw; r is then the caller's to free.
static void fill_page(vn_xresults *r, Xapian::MSet &m, const vn_xsearch_opts *o,
                      const std::vector<Xapian::doccount> &order, const std::vector<std::string> &recs,
                      Xapian::ValueCountMatchSpy *spies)
{
    size_t page = order.size() < o->limit ? order.size() : o->limit;
    r->hits = (vn_xhit *)calloc(page ? page : 1, sizeof *r->hits);
    if (!r->hits)
        throw std::bad_alloc();
    for (size_t k = 0; k < page; k++) {
        Xapian::MSetIterator i = m[order[k]];
        Xapian::Document doc = i.get_document();
        std::string data = o->no_data ? "" : doc.get_data(),
                    words = !o->words              ? ""
                            : order[k] < recs.size() ? recs[order[k]]
                                                     : doc.get_value(VN_SLOT_WORDS);
        vn_xhit *hit = &r->hits[r->n++];
        hit->score = i.get_weight();
        hit->docid = *i;
        hit->data = vn_xstrndup(data.data(), data.size());
        hit->data_len = data.size();
        if (!words.empty()) {
            hit->words = vn_xstrndup(words.data(), words.size());
            hit->words_len = words.size();
        }
        std::string sig = o->minhash ? doc.get_value(VN_SLOT_MINHASH) : std::string();
        if (!sig.empty()) {
            hit->minhash = vn_xstrndup(sig.data(), sig.size());
            hit->minhash_len = sig.size();
        }
    }
    for (int k = 0; k < 2; k++) {
        if (!(o->spies & (1 << k)))
            continue;
        size_t n = 0;
        for (Xapian::TermIterator t = spies[k].values_begin(); t != spies[k].values_end(); ++t)
            n++;
        r->spy[k] = (vn_xfacet *)vn_xcalloc(n ? n : 1, sizeof *r->spy[k]);
        for (Xapian::TermIterator t = spies[k].values_begin(); t != spies[k].values_end(); ++t) {
            std::string v = *t;
            vn_xfacet *f = &r->spy[k][r->nspy[k]++];
            f->value = vn_xstrndup(v.data(), v.size());
            f->count = t.get_termfreq();
        }
    }
}

extern "C" vn_status vn_xdb_search(vn_xdb *h, const vn_qnode *q, const vn_xsearch_opts *o, vn_xresults **out,
                                   vn_error *err)
{
    *out = NULL;
    return read_op(h, err, "search", [&]() {
        // a writer committed twice under us: read it all again, the
        // documents included (was: ERR SERVER when it happened while they
        // were fetched)
        return caught_up(h, [&]() {
            Xapian::Query xq = to_xapian(*h->db, q);
            if (o->fresh && o->sort == VN_SORT_RELEVANCE)
                xq = with_fresh(*h->db, xq, o);
            Xapian::MSet m;
            Xapian::ValueCountMatchSpy spies[2] = {Xapian::ValueCountMatchSpy(VN_SLOT_SOURCE),
                                                   Xapian::ValueCountMatchSpy(VN_SLOT_DATE)};
            // spies count what the matcher looks at: facets need every match
            bool exact = o->exact_total || o->spies, timed_out = false;
            Xapian::Enquire enq(*h->db);
            enq.set_query(xq);
            for (int k = 0; k < 2; k++)
                if (o->spies & (1 << k))
                    enq.add_matchspy(&spies[k]);
            if (o->sort == VN_SORT_DATE_ASC || o->sort == VN_SORT_DATE_DESC)
                enq.set_sort_by_value_then_relevance(VN_SLOT_DATE, o->sort == VN_SORT_DATE_DESC);
            // Xapian 1.4's time limit turns check_at_least off when it
            // passes: an exact count (COUNT, facets) then stops where it
            // is, and the reply says it was cut (its bounds differ)
            if (o->time_limit > 0)
                enq.set_time_limit(o->time_limit);
            Xapian::doccount check = exact ? h->db->get_doccount() : o->check_at_least;
            // Xapian 1.4.22's matcher, asked for fewer matches than it
            // checks, can leave out of the page a document that ranks
            // in it ("vksnd quan" over vi-news.jsonl: vnds-train-002382,
            // 3rd at limit=12, missing at limit=10, check_at_least 210).
            // Asked for VN_PAGE_RANKED (or all it checks, if fewer), it
            // keeps them ranked; the page is the first `limit` of those.
            Xapian::doccount want = o->limit, first = o->offset;
            if (!exact && want < VN_PAGE_RANKED && check > o->offset + want)
                want = check - o->offset < VN_PAGE_RANKED ? check - o->offset : VN_PAGE_RANKED;
            bool stage2 = o->rerank && o->rerank_depth && o->sort == VN_SORT_RELEVANCE;
            if (stage2) { // stage two sees the top rerank_depth from the first
                want = std::max<Xapian::doccount>(o->offset + want, o->rerank_depth);
                first = 0;
            }
            double t0 = vn_clock_now();
            m = enq.get_mset(first, want, check);
            // Xapian does not say whether its time limit stopped the
            // match, and its bounds can then claim an exact count of
            // what it saw: a match that took the whole limit may have
            // been cut, one that took less was not
            timed_out = o->time_limit > 0 && vn_clock_now() - t0 >= o->time_limit;
            unsigned best_run = 0, best_typed = 0; // records are read now: a remote shard can fail here, before r exists
            std::vector<std::string> recs;         // stage two's, by rank: the page's snippets read them again
            std::vector<Xapian::doccount> order = page_order(m, o, stage2, &best_run, &best_typed, recs);
            vn_xresults *r = (vn_xresults *)calloc(1, sizeof *r);
            if (!r)
                throw std::bad_alloc();
            r->total = m.get_matches_estimated();
            r->total_min = m.get_matches_lower_bound();
            r->total_max = m.get_matches_upper_bound();
            r->cut = exact && (timed_out || r->total_min != r->total_max);
            for (auto &sh : h->shards)
                r->shards_down += !sh.up;
            r->reranked = stage2;
            r->best_run = best_run;
            r->best_typed = best_typed;
            try { // documents are fetched now: a remote shard can fail here too
                fill_page(r, m, o, order, recs, spies);
            } catch (...) {
                vn_xresults_free(r);
                throw;
            }
            *out = r;
            return VN_OK;
        });
    });
}

extern "C" void vn_xresults_free(vn_xresults *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->hits[i].data);
        free(r->hits[i].words);
        free(r->hits[i].minhash);
    }
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < r->nspy[k]; i++)
            free(r->spy[k][i].value);
        free(r->spy[k]);
    }
    free(r->hits);
    free(r);
}

extern "C" vn_status vn_xdb_compact(const char *const *srcs, size_t n, const char *dst, vn_error *err)
{
    return guard(err, "compact", [&]() {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(srcs[i]));
        all.compact(dst, Xapian::DB_BACKEND_GLASS);
        return VN_OK;
    });
}

extern "C" const char *vn_xapian_version(void)
{
    return Xapian::version_string();
}
