/* log.h — diagnostics on stderr; never carries secrets or report content. */
#ifndef COC_LOG_H
#define COC_LOG_H

extern int log_verbosity; /* 0 quiet-ish (errors and warnings), 1 -v, 2 -vv */

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A progress line is on stderr's last line (on: 1, or 2 when ANSI codes may be used): each
 * message first returns to the line's start (and erases it with ANSI); it is redrawn. */
void log_progress_active(int on);

/* Only with -v (level 1) or -vv (level 2). */
void log_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
