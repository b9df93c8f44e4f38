/* jbuild.c — JSON building that records the first allocation failure (jbuild.h). */
#include "jbuild.h"

void jb_set(struct jbuild *b, json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, v) != 0)
        b->oom = 1;
}

void jb_add(struct jbuild *b, json_t *a, json_t *v)
{
    if (json_array_append_new(a, v) != 0)
        b->oom = 1;
}

json_t *jb_str_or_null(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_copy((json_t *)v) : json_null();
}
