/* log.c — one place that writes diagnostics, prefixed with the program name. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

int log_verbosity;
static volatile int progress_on; /* 0 none, 1 plain, 2 with ANSI erase-line */

void log_progress_active(int on)
{
    progress_on = on;
}

static void vlog(const char *tag, const char *fmt, va_list ap)
{
    /* over a progress line: erase it (with ANSI only when colour is allowed) */
    fprintf(stderr, "%scocscan: %s", progress_on == 2 ? "\r\033[K" : progress_on ? "\r" : "",
            tag);
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
