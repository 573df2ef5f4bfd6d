// SPDX-License-Identifier: GPL-2.0-or-later
// xapian_shim.cc -- the one C++ file: Xapian behind the C API of vn_xapian.h.
//
// Every entry point runs its body inside guard(), which catches
// Xapian::Error, std::bad_alloc and anything else, and turns them into a
// vn_status with a message.  No exception leaves this file.  The shim holds
// no policy: what terms mean and how queries are shaped is decided in C.
#include "vn_xapian.h"

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct vn_xdb {
    Xapian::Database *db;         // always set; == wdb when writable
    Xapian::WritableDatabase *wdb; // NULL for readers
};

struct vn_stemmer {
    Xapian::Stem stem;
};

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

extern "C" vn_status vn_xdb_open(const char *path, int mode, vn_xdb **out, vn_error *err)
{
    *out = NULL;
    return guard(err, path, [&]() {
        vn_xdb *h = new vn_xdb();
        try {
            if (mode == VN_XDB_READ) {
                h->wdb = NULL;
                h->db = new Xapian::Database(path);
                // an empty stub file opens as a database of no shards,
                // which fails only at the first query
                if (h->db->size() == 0) {
                    vn_status rc = vn_error_set(err, VN_ERR_CORRUPT,
                                                "%s: the index stub names no database (empty or damaged "
                                                "XAPIANDB): rebuild with vnsearch-indexer --full",
                                                path);
                    vn_xdb_close(h);
                    return rc;
                }
            } else {
                int flags = (mode & ~VN_XDB_NOSYNC) == VN_XDB_CREATE ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
                if (mode & VN_XDB_NOSYNC)
                    flags |= Xapian::DB_NO_SYNC;
                h->wdb = new Xapian::WritableDatabase(path, flags | Xapian::DB_BACKEND_GLASS);
                h->db = h->wdb;
            }
            // an empty index takes our schema; one with documents must have it
            std::string v = h->db->get_metadata(VN_SCHEMA_KEY);
            if (h->db->get_doccount() == 0 && h->wdb && v.empty()) {
                h->wdb->set_metadata(VN_SCHEMA_KEY, VN_SCHEMA_VERSION);
            } else if (h->db->get_doccount() > 0 && v != VN_SCHEMA_VERSION) {
                vn_status rc = vn_error_set(err, VN_ERR_CORRUPT,
                                            "%s: index schema %s, this vnsearch reads schema %s: rebuild it "
                                            "with vnsearch-indexer --full",
                                            path, v.empty() ? "1" : v.c_str(), VN_SCHEMA_VERSION);
                vn_xdb_close(h);
                return rc;
            }
        } catch (...) {
            vn_xdb_close(h);
            throw;
        }
        *out = h;
        return VN_OK;
    });
}

extern "C" void vn_xdb_close(vn_xdb *h)
{
    if (!h)
        return;
    try {
        if (h->wdb)
            h->wdb->close(); // releases the lock; uncommitted changes are dropped
    } catch (...) {
    }
    delete h->db;
    delete h;
}

static Xapian::docid find_doc(Xapian::Database &db, const char *idterm)
{
    Xapian::PostingIterator p = db.postlist_begin(idterm);
    return p == db.postlist_end(idterm) ? 0 : *p;
}

extern "C" vn_status vn_xdb_replace(vn_xdb *h, const vn_docspec *d, vn_error *err)
{
    if (!h->wdb)
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
        if (d->source_value.len)
            doc.add_value(VN_SLOT_SOURCE, std::string(d->source_value.data, d->source_value.len));
        doc.set_data(std::string(d->data.data ? d->data.data : "", d->data.len));
        h->wdb->replace_document(d->idterm, doc);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_set_meta(vn_xdb *h, const char *key, const char *value, vn_error *err)
{
    if (!h->wdb)
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "set metadata", [&]() {
        h->wdb->set_metadata(key, value);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_get_meta(vn_xdb *h, const char *key, char **value, vn_error *err)
{
    *value = NULL;
    return guard(err, "read metadata", [&]() {
        *value = vn_xstrdup(h->db->get_metadata(key).c_str());
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_delete(vn_xdb *h, const char *idterm, vn_error *err)
{
    if (!h->wdb)
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "delete document", [&]() {
        h->wdb->delete_document(idterm);
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_commit(vn_xdb *h, vn_error *err)
{
    if (!h->wdb)
        return vn_error_set(err, VN_ERR_INVALID, "index opened read-only");
    return guard(err, "commit", [&]() {
        h->wdb->commit();
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_reopen(vn_xdb *h, int *changed, vn_error *err)
{
    return guard(err, "reopen", [&]() {
        bool c = h->db->reopen();
        if (changed)
            *changed = c;
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_get_value(vn_xdb *h, const char *idterm, unsigned slot, char *out, size_t outlen,
                                      int *found, vn_error *err)
{
    *found = 0;
    return guard(err, "read value", [&]() {
        Xapian::docid id = find_doc(*h->db, idterm);
        if (!id)
            return VN_OK;
        std::string v = h->db->get_document(id, Xapian::DOC_ASSUME_VALID).get_value(slot);
        size_t n = v.size() < outlen ? v.size() : outlen - 1;
        memcpy(out, v.data(), n);
        out[n] = '\0';
        *found = 1;
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_get_data(vn_xdb *h, const char *idterm, vn_buf *out, vn_error *err)
{
    return guard(err, "read document", [&]() {
        Xapian::docid id = find_doc(*h->db, idterm);
        if (!id)
            return vn_error_set(err, VN_ERR_NOTFOUND, "no such document");
        std::string v = h->db->get_document(id).get_data();
        vn_buf_append(out, v.data(), v.size());
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_each_term(vn_xdb *h, const char *prefix,
                                      int (*cb)(const char *, size_t, uint64_t, void *), void *ctx, vn_error *err)
{
    return guard(err, "list terms", [&]() {
        for (Xapian::TermIterator t = h->db->allterms_begin(prefix); t != h->db->allterms_end(prefix); ++t) {
            std::string s = *t;
            if (cb(s.data(), s.size(), t.get_termfreq(), ctx))
                break;
        }
        return VN_OK;
    });
}

extern "C" vn_status vn_xdb_info_get(vn_xdb *h, vn_xdb_info *info, vn_error *err)
{
    return guard(err, "index info", [&]() {
        info->doccount = h->db->get_doccount();
        info->revision = h->db->get_revision();
        info->avg_length = h->db->get_avlength();
        return VN_OK;
    });
}

// vn_qnode tree -> Xapian::Query, recursively.
static Xapian::Query to_xapian(const vn_qnode *q)
{
    std::vector<Xapian::Query> kids;
    kids.reserve(q->nkids);
    for (size_t i = 0; i < q->nkids; i++)
        kids.push_back(to_xapian(q->kids[i]));
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
    case VN_Q_WILDCARD:
        return Xapian::Query(Xapian::Query::OP_WILDCARD, q->term, q->window ? q->window : 100,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
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
    case VN_Q_MATCH_ALL: return Xapian::Query::MatchAll;
    }
    return Xapian::Query();
}

extern "C" vn_status vn_xdb_search(vn_xdb *h, const vn_qnode *q, const vn_xsearch_opts *o, vn_xresults **out,
                                   vn_error *err)
{
    *out = NULL;
    return guard(err, "search", [&]() {
        Xapian::Query xq = to_xapian(q);
        Xapian::MSet m;
        Xapian::ValueCountMatchSpy spies[2] = {Xapian::ValueCountMatchSpy(VN_SLOT_SOURCE),
                                               Xapian::ValueCountMatchSpy(VN_SLOT_DATE)};
        // spies count what the matcher looks at: facets need every match
        bool exact = o->exact_total || o->spies;
        for (int attempt = 0;; attempt++) {
            try {
                Xapian::Enquire enq(*h->db);
                enq.set_query(xq);
                for (int k = 0; k < 2; k++)
                    if (o->spies & (1 << k))
                        enq.add_matchspy(&spies[k]);
                if (o->sort == VN_SORT_DATE_ASC || o->sort == VN_SORT_DATE_DESC)
                    enq.set_sort_by_value_then_relevance(VN_SLOT_DATE, o->sort == VN_SORT_DATE_DESC);
                // Xapian 1.4's time limit only turns check_at_least off: an
                // exact count asks for every match, so it takes none
                if (o->time_limit > 0 && !exact)
                    enq.set_time_limit(o->time_limit);
                m = enq.get_mset(o->offset, o->limit, exact ? h->db->get_doccount() : o->check_at_least);
                break;
            } catch (const Xapian::DatabaseModifiedError &) {
                // a writer committed twice under us: catch up and retry once
                if (attempt > 0)
                    throw;
                h->db->reopen();
            }
        }
        vn_xresults *r = (vn_xresults *)calloc(1, sizeof *r);
        if (!r)
            throw std::bad_alloc();
        r->total = m.get_matches_estimated();
        r->total_min = m.get_matches_lower_bound();
        r->total_max = m.get_matches_upper_bound();
        r->hits = (vn_xhit *)calloc(m.size() ? m.size() : 1, sizeof *r->hits);
        if (!r->hits) {
            free(r);
            throw std::bad_alloc();
        }
        for (Xapian::MSetIterator i = m.begin(); i != m.end(); ++i) {
            std::string data = i.get_document().get_data();
            vn_xhit *hit = &r->hits[r->n++];
            hit->score = i.get_weight();
            hit->docid = *i;
            hit->data = vn_xstrndup(data.data(), data.size());
            hit->data_len = data.size();
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
        *out = r;
        return VN_OK;
    });
}

extern "C" void vn_xresults_free(vn_xresults *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->hits[i].data);
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

extern "C" vn_stemmer *vn_stemmer_new_english(void)
{
    try {
        vn_stemmer *s = new vn_stemmer();
        s->stem = Xapian::Stem("english");
        return s;
    } catch (...) {
        return NULL;
    }
}

extern "C" void vn_stemmer_free(vn_stemmer *s)
{
    delete s;
}

extern "C" int vn_stemmer_stem(vn_stemmer *s, const char *w, size_t n, vn_buf *out)
{
    try {
        std::string r = s->stem(std::string(w, n));
        vn_buf_append(out, r.data(), r.size());
        return 1;
    } catch (...) {
        return 0;
    }
}
