/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_indexer.h -- one indexing run over an index directory: the engine of
 * vnsearch-indexer, usable by any program that embeds libvnsearch.
 *
 *   vn_indexer_open   lock DIR, open the live generation (or a new one
 *                     for a full rebuild)
 *   vn_indexer_add / vn_indexer_add_path   feed articles or inputs
 *   vn_indexer_finish prune, commit, switch generations
 *   vn_indexer_close  release everything (uncommitted work is dropped)
 *
 * Incremental by default: a document whose content hash is unchanged is
 * skipped without rewriting.  Commits come every `batch` changed
 * documents, so a kill -9 loses at most the current batch and never what
 * an earlier commit holds. */
#ifndef VN_INDEXER_H
#define VN_INDEXER_H

#include <stdint.h>

#include "vn_article.h"
#include "vn_error.h"
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
