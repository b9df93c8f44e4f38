/* diag.h — collected "file:line:col: message" diagnostics, so validation reports every problem. */
#ifndef COC_DIAG_H
#define COC_DIAG_H

#include "strbuf.h"

struct diag {
    struct strbuf text; /* one line per problem */
    int count;
};

#define DIAG_INIT { STRBUF_INIT, 0 }

/* Add one problem at file:line:col (line/col 1-based; 0 omits them). */
void diag_at(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_release(struct diag *d);

#endif
