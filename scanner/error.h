/* error.h — a message for the user, filled by whichever function failed. */
#ifndef COC_ERROR_H
#define COC_ERROR_H

#define COC_ERROR_MAX 512

struct coc_error {
    char msg[COC_ERROR_MAX];
};

/* Set the message (printf-style, truncated to fit); returns -1 so callers can `return coc_fail(...)`. */
int coc_fail(struct coc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clear the message. */
void coc_error_clear(struct coc_error *e);

#endif
