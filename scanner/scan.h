/* scan.h — the settings of one scan run, shared read-only by every probe. */
#ifndef COC_SCAN_H
#define COC_SCAN_H

#include "check.h"

struct login_cache;

struct scan {
    int timeout_ms;        /* per network step: connect, each read, each HTTP request */
    const char *ca_file;   /* NULL: the system trust store */
    int verbose;           /* -v count */
    unsigned probes;       /* connections opened so far (for reports and budgets) */
    int max_enum;          /* document-enumeration neighbours per document (--max-enum) */
    struct login_cache *logins; /* the current target's sign-ins (login_shared), or NULL */
};

#endif
