/* error.c — user-facing error messages carried up the call chain. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int coc_fail(struct coc_error *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void coc_error_clear(struct coc_error *e)
{
    if (e)
        e->msg[0] = '\0';
}
