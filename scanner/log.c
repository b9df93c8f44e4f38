/* log.c — one place that writes diagnostics, prefixed with the program name. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

int log_verbosity;

static void vlog(const char *tag, const char *fmt, va_list ap)
{
    fprintf(stderr, "cocscan: %s", tag);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void log_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("warning: ", fmt, ap);
    va_end(ap);
}

void log_debug(int level, const char *fmt, ...)
{
    if (log_verbosity < level)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}
