# SPDX-License-Identifier: GPL-2.0-or-later
# common/layers.mk -- the layers of libvnsearch, bottom first: each folder
# of common/ is one layer, and LAYER_x lists the folders a file of x may
# include from and call into (itself last).  The Makefile compiles each
# folder with exactly these include paths; tests/check_layers.py (make
# check-layers, run by make test) checks includes and the objects' symbols
# against the same lines.  Reasons and owners: docs/architecture.md.
LAYERS := base text doc query engine search index app
LAYER_base   := base
LAYER_text   := base text
LAYER_doc    := base text doc
LAYER_query  := base text doc query
LAYER_engine := base text doc query engine
LAYER_search := base text doc query engine search
LAYER_index  := base text doc query engine index
# app: what the programs share that the library does not need (config file)
LAYER_app    := base app
# the folders of libvnsearch (app is linked into the programs only)
LIB_LAYERS   := base text doc query engine search index
