/* scan.h — the settings of one scan run, shared read-only by every probe. */
#ifndef COC_SCAN_H
#define COC_SCAN_H

#include "check.h"

struct scan {
    int timeout_ms;        /* per network step: connect, each read, each HTTP request */
    const char *ca_file;   /* NULL: the system trust store */
    int verbose;           /* -v count */
    unsigned probes;       /* connections opened so far (for reports and budgets) */
};

#endif
