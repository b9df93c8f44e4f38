/* diag.c — accumulating user-facing validation problems. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

/* Control characters in a message (a YAML key may hold a newline or an ESC) are written as
 * escapes, so one problem is always one line and nothing reaches the terminal raw. */
static void escape_controls(const char *in, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 5 < n; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            out[o++] = (char)*p;
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            out[o++] = '\\';
            out[o++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

void diag_at(struct diag *d, const char *file, int line, int col, const char *fmt, ...)
{
    char raw[512], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    escape_controls(raw, msg, sizeof msg);
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
