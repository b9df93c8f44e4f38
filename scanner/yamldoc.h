/* yamldoc.h — a YAML document as a small tree that remembers where each node was written. */
#ifndef COC_YAMLDOC_H
#define COC_YAMLDOC_H

#include <stddef.h>

#include "diag.h"

enum ynode_type { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
    enum ynode_type type;
    int line, col; /* 1-based position of the node's start */
    /* scalar */
    char *value;
    size_t len;
    int plain; /* unquoted: subject to type resolution (true, 12, null) */
    /* map: keys[i] -> items[i]; seq: items[i] */
    struct ynode **keys;
    struct ynode **items;
    size_t n;
};

/* Parse one YAML document. Problems go to d (as file:line:col). Caller frees *root. 0 ok, -1. */
int ydoc_parse(const char *file, const char *data, size_t len, struct ynode **root, struct diag *d);
void ynode_free(struct ynode *n);

/* Map lookup by key; NULL when absent or n is not a map. */
struct ynode *ynode_get(const struct ynode *n, const char *key);
const char *ynode_type_name(const struct ynode *n);

/* Typed views of a scalar; 0 ok, -1 when it is not that type. */
int ynode_bool(const struct ynode *n, int *out);
int ynode_int(const struct ynode *n, long long *out);
int ynode_is_null(const struct ynode *n);

#endif
