// SPDX-License-Identifier: GPL-2.0-or-later
// text_stem.cc -- the English stemmer (see vn_text.h): Xapian::Stem behind
// three C functions, the text layer's only C++.  It opens no database and
// knows no terms: which words are stemmed, and under which prefix, is the
// schema's and the query builder's.
#include "vn_text.h"

#include <string>
#include <xapian.h>

struct vn_stemmer {
    Xapian::Stem stem;
};

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
