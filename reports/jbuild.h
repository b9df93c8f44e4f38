/*
 * jbuild.h — building a JSON document where any allocation may fail: the builder remembers the
 * first failure (oom) so the caller checks once at the end instead of after every call.
 */
#ifndef COC_JBUILD_H
#define COC_JBUILD_H

#include <jansson.h>

struct jbuild {
    int oom; /* set by the first failed allocation; stays set */
};

/* o[key] = v (stolen). */
void jb_set(struct jbuild *b, json_t *o, const char *key, json_t *v);
/* Append v (stolen) to the array a. */
void jb_add(struct jbuild *b, json_t *a, json_t *v);
/* A copy of o's string member key, or JSON null when it is absent or not a string. */
json_t *jb_str_or_null(const json_t *o, const char *key);

#endif
