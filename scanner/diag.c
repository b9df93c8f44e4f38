/* diag.c — accumulating user-facing validation problems. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

void diag_at(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        strbuf_addf(&d->text, "%s:%d:%d: %s\n", file, line, col > 0 ? col : 1, msg);
    else
        strbuf_addf(&d->text, "%s: %s\n", file, msg);
    d->count++;
}

void diag_release(struct diag *d)
{
    strbuf_release(&d->text);
    d->count = 0;
}
