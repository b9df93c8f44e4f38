/* target.h — a scan target: an https URL split into the parts the probes need. */
#ifndef COC_TARGET_H
#define COC_TARGET_H

#include "error.h"

struct target {
    char *url;  /* normalised: https://host[:port]/path */
    char *host; /* hostname or IP literal (IPv6 without brackets) */
    int port;
    int http_port; /* where plain http is expected for the redirect check (default 80) */
    char *path; /* starts with '/', may include a query */
    int host_is_ip;
    char *name; /* display name (defaults to the URL) */
};

/* Parse a URL given by the user; a bare "host[:port]" means https. 0 ok, -1 with e set. */
int target_parse(const char *url, struct target *t, struct coc_error *e);
void target_release(struct target *t);

#endif
