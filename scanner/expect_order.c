/*
 * expect_order.c — is a tailored control's `expect` at least as strict as its parent's?
 *
 * A profile that extends the baseline may relax a control, but then it must not keep claiming
 * the baseline's framework references for it: a relaxed HSTS control is not NZISM-compliant.
 * This decides "relaxed" key by key from each expect key's order (check.h). What cannot be shown
 * to be at least as strict counts as relaxed; restating `refs` in the override keeps them.
 */
#include "expect_order.h"

#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "util.h"

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Which way a value of an expect key is stricter. */
enum expect_order {
    ORD_MORE, /* true / larger / a superset is stricter */
    ORD_LESS, /* false / smaller / a subset is stricter */
    ORD_NONE, /* no order: any change counts as a relaxation */
};

/* Keys whose order the naming rule below gets wrong: lists of accepted values. */
static const struct {
    const char *check, *key;
    enum expect_order order;
} exceptions[] = {
    { "headers.cross_origin", "coop", ORD_LESS },
    { "headers.cross_origin", "corp", ORD_LESS },
    { "headers.cross_origin", "coep", ORD_LESS },
};

/* The direction key k of check c gets stricter in: by type and name, bool true, a larger
 * integer and more list entries are stricter, except that names starting "allow" or "max_"
 * (and "ignore") go the other way; a string only compares equal, but TLS versions under "min"
 * compare by version. */
static enum expect_order key_order(const struct check *c, const struct expect_key *k)
{
    for (size_t i = 0; i < sizeof exceptions / sizeof exceptions[0]; i++)
        if (strcmp(exceptions[i].check, c->id) == 0 && strcmp(exceptions[i].key, k->name) == 0)
            return exceptions[i].order;
    if (k->type == EXP_STRING)
        return strcmp(k->name, "min") == 0 ? ORD_MORE : ORD_NONE;
    if (starts_with(k->name, "allow") || starts_with(k->name, "max_") ||
        strcmp(k->name, "ignore") == 0)
        return ORD_LESS;
    return ORD_MORE;
}

/* Rank of a protocol version name ("TLSv1.2" and "1.2" alike), or -1. */
static int version_rank(const char *v)
{
    static const char *const names[] = { "SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2",
                                         "TLSv1.3" };
    static const char *const short_names[] = { "", "", "1.0", "1.1", "1.2", "1.3" };
    for (int i = 0; v && i < 6; i++)
        if (strcmp(v, names[i]) == 0 || (short_names[i][0] && strcmp(v, short_names[i]) == 0))
            return i;
    return -1;
}

/* Every string of a is in b. A single string counts as a list of one. */
static int subset(const json_t *a, const json_t *b)
{
    if (json_is_string(a))
        return json_is_string(b) ? strcmp(json_string_value(a), json_string_value(b)) == 0
                                 : json_list_has(b, json_string_value(a));
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v))
            return 0;
        if (json_is_string(b) ? strcmp(json_string_value(v), json_string_value(b)) != 0
                              : !json_list_has(b, json_string_value(v)))
            return 0;
    }
    return 1;
}

/* Is child at least as strict as parent for key k (both present)? */
static int as_strict(const struct check *ch, const struct expect_key *k, const json_t *parent,
                     const json_t *child)
{
    if (json_equal(parent, child))
        return 1;
    enum expect_order ord = key_order(ch, k);
    if (ord == ORD_NONE)
        return 0;
    int more = ord == ORD_MORE;
    switch (k->type) {
    case EXP_BOOL:
        return json_is_boolean(child) && json_is_true(child) == more;
    case EXP_INT: {
        json_int_t p = json_integer_value(parent), c = json_integer_value(child);
        return more ? c >= p : c <= p;
    }
    case EXP_STRING_LIST:
        return more ? subset(parent, child) : subset(child, parent);
    case EXP_STRING: {
        int p = version_rank(json_string_value(parent)), c = version_rank(json_string_value(child));
        if (p < 0 || c < 0)
            return 0;
        return more ? c >= p : c <= p;
    }
    }
    return 0;
}

static void describe(struct strbuf *why, const char *key, const json_t *from, const json_t *to)
{
    char *a = from ? json_dumps(from, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *b = to ? json_dumps(to, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    strbuf_addf(why, "%s%s %s -> %s", why->len ? ", " : "", key, a ? a : "(unset)",
                b ? b : "(unset)");
    free(a);
    free(b);
}

int expect_relaxed(const struct check *c, const json_t *parent, const json_t *child,
                   struct strbuf *why)
{
    int relaxed = 0;
    const char *key;
    json_t *pv;
    json_object_foreach((json_t *)parent, key, pv) {
        const json_t *cv = json_object_get(child, key);
        const struct expect_key *k = c ? check_expect_key(c, key) : NULL;
        if (!cv || !k || !as_strict(c, k, pv, cv)) {
            relaxed = 1;
            describe(why, key, pv, cv);
        }
    }
    json_t *cv;
    json_object_foreach((json_t *)child, key, cv) {
        if (json_object_get(parent, key))
            continue;
        /* A key the parent left at its default: only a value in the stricter direction of a
         * boolean is known to tighten it; anything else may loosen the default. */
        const struct expect_key *k = c ? check_expect_key(c, key) : NULL;
        if (!k || k->type != EXP_BOOL || json_is_true(cv) != (key_order(c, k) == ORD_MORE)) {
            relaxed = 1;
            describe(why, key, NULL, cv);
        }
    }
    return relaxed;
}
