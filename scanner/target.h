/* target.h — a scan target: an https URL split into the parts the probes need, and what a
 * targets file adds to it (test accounts by the names of their environment variables, the
 * documents and pages to probe), with every path already resolved to an absolute URL. */
#ifndef COC_TARGET_H
#define COC_TARGET_H

#include <stddef.h>

#include "error.h"

struct target_account {
    char *username_env; /* names of environment variables, never the values */
    char *password_env;
};

struct target_login {
    char *form_url;      /* absolute URL of the page holding the login form */
    char *protected_url; /* absolute URL only a fully signed-in user may see */
    struct target_account account;
};

struct target {
    char *url;  /* normalised: https://host[:port]/path */
    char *host; /* hostname or IP literal (IPv6 without brackets) */
    int port;
    int http_port;       /* where plain http is expected for the redirect check (default 80) */
    int http_port_fixed; /* set by the targets file: --http-port does not override it */
    char *path;          /* starts with '/', may include a query */
    int host_is_ip;
    char *name;                    /* display name; NULL: show the URL */
    char *organisation;            /* NULL when not given */
    struct target_login *login;    /* NULL: no test account */
    struct target_account *second; /* NULL: no second account */
    char **documents;              /* absolute URLs the first account owns */
    size_t n_documents;
    char **sensitive; /* absolute URLs that must not be cached */
    size_t n_sensitive;
    char **storage; /* object-store URLs to test for listings */
    size_t n_storage;
    char *source_file; /* where the target was defined (NULL for argv) */
    int source_line;   /* 0 for argv */
};

/* Parse a URL given by the user; a bare "host[:port]" means https. 0 ok, -1 with e set. */
int target_parse(const char *url, struct target *t, struct coc_error *e);
/* Free everything t owns (t itself is the caller's) and zero it. */
void target_release(struct target *t);
/* The absolute URL of `path` (which must start with '/') on t's origin. Caller frees; NULL when
 * path is not absolute or memory ran out. */
char *target_resolve(const struct target *t, const char *path);

#endif
