/*
 * fleet.c — many reports merged into one fleet document (schema reports/fleet.schema.json).
 *
 * Nothing is judged again: each target keeps the verdict its report gave it under that report's
 * profile and fail_on, and when those differ between inputs the fleet says so (profiles_differ,
 * a warning naming which input used which profile) rather than hiding it.
 *
 * Worst first, the order of targets: by verdict — unreachable (nothing is known about it),
 * non-compliant, incomplete, compliant — then by more failed critical controls, then high,
 * medium, low and info failures, then more errors, then more warnings; ties by url (bytewise),
 * then by input order. Organisations are ordered the same way on their counts: more
 * unreachable, non-compliant and incomplete targets, then failures by severity, then by name,
 * targets without an organisation last.
 *
 * The same url twice (overlapping shards, one file given twice): the instance from the report
 * with the latest started_at is kept (RFC 3339 UTC times compare as text; a later input on the
 * command line wins a tie) and every other one is listed under "duplicates" and warned about.
 *
 * A report that passed report_read is a JSON object with a targets list and nothing more is
 * certain: every other member may be missing or of any type. An unknown status counts as an
 * error (not determined), an unknown severity as info, an unknown verdict as incomplete (or
 * unreachable when the target records an error).
 */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jbuild.h"
#include "strbuf.h"
#include "util.h"

enum { V_UNREACHABLE, V_NONCOMPLIANT, V_INCOMPLETE, V_COMPLIANT, V_N };
static const char *const verdict_names[V_N] = { "unreachable", "non-compliant", "incomplete",
                                                "compliant" };

/* One kept target. */
struct row {
    const json_t *t; /* the target in its report (borrowed) */
    const char *url;
    size_t src, idx; /* input index; index in that report's targets */
    int verdict;     /* V_* */
    long st[ST__COUNT];
    long failed[SEV__COUNT];
};

/* One organisation's totals while they are counted. */
struct org {
    const char *name; /* NULL: targets without an organisation */
    json_t *entry;    /* borrowed from the organisations array */
    long v[V_N];
    long failed[SEV__COUNT];
};

/* The status of a result; unknown ones count as errors (not determined). */
static enum status status_of(const json_t *r)
{
    enum status s = ST_ERROR;
    const char *name = json_str(r, "status");
    if (name)
        status_parse(name, &s);
    return s;
}

static enum severity severity_of(const json_t *r)
{
    enum severity s = SEV_INFO;
    const char *name = json_str(r, "severity");
    if (name)
        severity_parse(name, &s);
    return s;
}

static int verdict_of(const json_t *t)
{
    const char *v = json_str(t, "verdict");
    for (int i = 0; v && i < V_N; i++)
        if (strcmp(v, verdict_names[i]) == 0)
            return i;
    return json_object_get(t, "error") ? V_UNREACHABLE : V_INCOMPLETE;
}

static json_t *status_counts(struct jbuild *c, const long st[ST__COUNT])
{
    json_t *o = json_object();
    for (int s = 0; s < ST__COUNT; s++)
        jb_set(c, o, status_name((enum status)s), json_integer(st[s]));
    return o;
}

static json_t *severity_counts(struct jbuild *c, const long failed[SEV__COUNT])
{
    json_t *o = json_object();
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        jb_set(c, o, severity_name((enum severity)s), json_integer(failed[s]));
    return o;
}

static json_t *verdict_counts(struct jbuild *c, const long v[V_N])
{
    static const int order[V_N] = { V_COMPLIANT, V_NONCOMPLIANT, V_INCOMPLETE, V_UNREACHABLE };
    json_t *o = json_object();
    for (int i = 0; i < V_N; i++)
        jb_set(c, o, verdict_names[order[i]], json_integer(v[order[i]]));
    return o;
}

static void count_row(struct row *r)
{
    size_t i;
    const json_t *res;
    memset(r->st, 0, sizeof r->st);
    memset(r->failed, 0, sizeof r->failed);
    r->verdict = verdict_of(r->t);
    json_array_foreach(json_object_get(r->t, "results"), i, res) {
        enum status s = status_of(res);
        r->st[s]++;
        if (s == ST_FAIL)
            r->failed[severity_of(res)]++;
    }
}

/* Worst first: see the comment atop this file. */
static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->verdict != y->verdict)
        return x->verdict - y->verdict;
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        if (x->failed[s] != y->failed[s])
            return x->failed[s] > y->failed[s] ? -1 : 1;
    if (x->st[ST_ERROR] != y->st[ST_ERROR])
        return x->st[ST_ERROR] > y->st[ST_ERROR] ? -1 : 1;
    if (x->st[ST_WARN] != y->st[ST_WARN])
        return x->st[ST_WARN] > y->st[ST_WARN] ? -1 : 1;
    int d = strcmp(x->url, y->url);
    if (d)
        return d;
    if (x->src != y->src)
        return x->src < y->src ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int org_cmp(const void *a, const void *b)
{
    const struct org *x = a, *y = b;
    static const int order[] = { V_UNREACHABLE, V_NONCOMPLIANT, V_INCOMPLETE };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (x->v[order[i]] != y->v[order[i]])
            return x->v[order[i]] > y->v[order[i]] ? -1 : 1;
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        if (x->failed[s] != y->failed[s])
            return x->failed[s] > y->failed[s] ? -1 : 1;
    if (!x->name || !y->name)
        return !x->name - !y->name;
    return strcmp(x->name, y->name);
}

/* The source's entry: where it came from and what it was judged under. */
static json_t *source_entry(struct jbuild *c, const char *file, const json_t *rep)
{
    const json_t *prof = json_object_get(rep, "profile"), *tool = json_object_get(rep, "tool");
    json_t *p = json_object(), *tl = json_object(), *s = json_object();
    jb_set(c, s, "file", json_string_lossy(file, strlen(file)));
    jb_set(c, s, "started_at", jb_str_or_null(rep, "started_at"));
    jb_set(c, s, "finished_at", jb_str_or_null(rep, "finished_at"));
    jb_set(c, tl, "name", jb_str_or_null(tool, "name"));
    jb_set(c, tl, "version", jb_str_or_null(tool, "version"));
    jb_set(c, s, "tool", tl);
    jb_set(c, p, "id", jb_str_or_null(prof, "id"));
    jb_set(c, p, "title", jb_str_or_null(prof, "title"));
    jb_set(c, p, "version", jb_str_or_null(prof, "version"));
    jb_set(c, p, "sha256", jb_str_or_null(prof, "sha256"));
    jb_set(c, s, "profile", p);
    jb_set(c, s, "fail_on", jb_str_or_null(rep, "fail_on"));
    jb_set(c, s, "verdict", jb_str_or_null(rep, "verdict"));
    jb_set(c, s, "targets", json_integer((json_int_t)json_array_size(json_object_get(rep,
                                                                                   "targets"))));
    return s;
}

/* "nz-health-portal 2026.1 (sha256 89e21a8b…)" for a source's profile. */
static void profile_words(struct strbuf *sb, const json_t *src)
{
    const json_t *p = json_object_get(src, "profile");
    const char *sha = json_str(p, "sha256");
    strbuf_adds(sb, json_str(p, "id") ? json_str(p, "id") : "(no profile id)");
    if (json_str(p, "version"))
        strbuf_addf(sb, " %s", json_str(p, "version"));
    if (sha)
        strbuf_addf(sb, " (sha256 %.12s\xE2\x80\xA6)", sha);
    else
        strbuf_adds(sb, " (no sha256)");
}

/* The distinct profiles (by sha256) with the sources judged under each; a warning when there is
 * more than one. Returns profiles_differ. */
static int profiles(struct jbuild *c, json_t *fleet, json_t *sources, json_t *warnings)
{
    json_t *list = json_array(), *by_sha = json_object();
    size_t i;
    json_t *src;
    json_array_foreach(sources, i, src) {
        const json_t *p = json_object_get(src, "profile");
        const char *sha = json_str(p, "sha256");
        const char *key = sha ? sha : "";
        json_t *e = json_object_get(by_sha, key);
        if (!e) {
            e = json_object();
            jb_set(c, e, "id", jb_str_or_null(p, "id"));
            jb_set(c, e, "version", jb_str_or_null(p, "version"));
            jb_set(c, e, "sha256", jb_str_or_null(p, "sha256"));
            jb_set(c, e, "sources", json_array());
            jb_add(c, list, e);
            if (json_object_set(by_sha, key, e) != 0)
                c->oom = 1;
        }
        jb_add(c, json_object_get(e, "sources"), json_integer((json_int_t)i));
    }
    int differ = json_array_size(list) > 1;
    if (differ) {
        struct strbuf sb = STRBUF_INIT;
        json_t *e, *s;
        size_t j;
        strbuf_adds(&sb, "the inputs were judged under different profiles, so their results "
                         "are not directly comparable: ");
        json_array_foreach(list, i, e) {
            json_t *ids = json_object_get(e, "sources");
            size_t first = (size_t)json_integer_value(json_array_get(ids, 0));
            strbuf_adds(&sb, i ? "; " : "");
            profile_words(&sb, json_array_get(sources, first));
            strbuf_adds(&sb, " for ");
            json_array_foreach(ids, j, s) {
                const json_t *one = json_array_get(sources, (size_t)json_integer_value(s));
                strbuf_addf(&sb, "%s%s", j ? ", " : "", json_str(one, "file"));
            }
        }
        jb_add(c, warnings, json_string_lossy(sb.buf, sb.len));
        strbuf_release(&sb);
    }
    jb_set(c, fleet, "profiles", list);
    json_decref(by_sha);
    return differ;
}

/* A warning when the inputs used different failure thresholds. */
static void fail_on_warning(struct jbuild *c, json_t *sources, json_t *warnings)
{
    size_t i;
    json_t *src;
    const char *first = NULL;
    int differ = 0;
    json_array_foreach(sources, i, src) {
        const char *f = json_str(src, "fail_on") ? json_str(src, "fail_on") : "";
        if (!first)
            first = f;
        else if (strcmp(first, f) != 0)
            differ = 1;
    }
    if (!differ)
        return;
    struct strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "the inputs' verdicts used different failure thresholds (fail_on): ");
    json_array_foreach(sources, i, src)
        strbuf_addf(&sb, "%s%s: %s", i ? ", " : "", json_str(src, "file"),
                    json_str(src, "fail_on") ? json_str(src, "fail_on") : "not recorded");
    jb_add(c, warnings, json_string_lossy(sb.buf, sb.len));
    strbuf_release(&sb);
}

/* Choose one instance per url. rows gets the kept ones; duplicates and warnings the rest. */
static int pick(struct jbuild *c, json_t *const *reports, size_t n, json_t *sources,
                struct row **rows_out, size_t *nrows, json_t *dups)
{
    json_t *where = json_object(); /* url -> index into rows */
    json_t *dup_of = json_object(); /* url -> its duplicates entry */
    struct row *rows = NULL;
    size_t count = 0, cap = 0;
    for (size_t s = 0; s < n; s++) {
        const char *started = json_str(json_array_get(sources, s), "started_at");
        size_t i;
        const json_t *t;
        json_array_foreach(json_object_get(reports[s], "targets"), i, t) {
            const char *url = json_str(t, "url");
            if (!url)
                continue;
            struct row cand = { .t = t, .url = url, .src = s, .idx = i };
            json_t *at = json_object_get(where, url);
            if (!at) {
                if (count == cap) {
                    size_t ncap = cap ? cap * 2 : 16;
                    struct row *nr = realloc(rows, ncap * sizeof *rows);
                    if (!nr)
                        goto oom;
                    rows = nr;
                    cap = ncap;
                }
                if (json_object_set_new(where, url, json_integer((json_int_t)count)) != 0)
                    goto oom;
                rows[count++] = cand;
                continue;
            }
            struct row *cur = &rows[json_integer_value(at)];
            const char *cur_started = json_str(json_array_get(sources, cur->src), "started_at");
            int newer = strcmp(started ? started : "", cur_started ? cur_started : "") >= 0;
            struct row *dropped = newer ? cur : &cand;
            json_t *d = json_object_get(dup_of, url);
            if (!d) {
                d = json_object();
                jb_set(c, d, "url", json_string_lossy(url, strlen(url)));
                jb_set(c, d, "kept", json_null()); /* filled in by finish_duplicates */
                jb_set(c, d, "dropped", json_array());
                jb_add(c, dups, d);
                if (json_object_set(dup_of, url, d) != 0)
                    goto oom;
            }
            json_t *e = json_object();
            jb_set(c, e, "source", json_integer((json_int_t)dropped->src));
            jb_set(c, e, "started_at",
                 jb_str_or_null(json_array_get(sources, dropped->src), "started_at"));
            jb_set(c, e, "verdict", json_string(verdict_names[verdict_of(dropped->t)]));
            jb_add(c, json_object_get(d, "dropped"), e);
            if (newer)
                *cur = cand;
        }
    }
    json_decref(where);
    json_decref(dup_of);
    *rows_out = rows;
    *nrows = count;
    return 0;
oom:
    json_decref(where);
    json_decref(dup_of);
    free(rows);
    return -1;
}

/* Fill in which instance each duplicate kept, with one warning per duplicated url. */
static void finish_duplicates(struct jbuild *c, json_t *dups, const struct row *rows, size_t nrows,
                              json_t *sources, json_t *warnings)
{
    size_t i, j;
    json_t *d, *e, *where = json_object(); /* url -> index into rows */
    for (size_t k = 0; json_array_size(dups) && k < nrows; k++)
        if (json_object_set_new(where, rows[k].url, json_integer((json_int_t)k)) != 0)
            c->oom = 1;
    json_array_foreach(dups, i, d) {
        const json_t *at = json_object_get(where, json_str(d, "url") ? json_str(d, "url") : "");
        if (!at)
            continue;
        const char *url = json_str(d, "url");
        const struct row *kept = &rows[json_integer_value(at)];
        const json_t *ks = json_array_get(sources, kept->src);
        json_t *k = json_object();
        jb_set(c, k, "source", json_integer((json_int_t)kept->src));
        jb_set(c, k, "started_at", jb_str_or_null(ks, "started_at"));
        if (json_object_set_new(d, "kept", k) != 0)
            c->oom = 1;
        struct strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "target %s appears more than once: kept the scan in input %zu (%s, "
                         "started %s), dropped ", url, kept->src + 1, json_str(ks, "file"),
                    json_str(ks, "started_at") ? json_str(ks, "started_at") : "at an unknown time");
        json_array_foreach(json_object_get(d, "dropped"), j, e) {
            size_t src = (size_t)json_integer_value(json_object_get(e, "source"));
            const json_t *ds = json_array_get(sources, src);
            strbuf_addf(&sb, "%sinput %zu (%s, started %s)", j ? ", " : "", src + 1,
                        json_str(ds, "file"),
                        json_str(ds, "started_at") ? json_str(ds, "started_at") : "at an unknown time");
        }
        jb_add(c, warnings, json_string_lossy(sb.buf, sb.len));
        strbuf_release(&sb);
    }
    json_decref(where);
}

/* The union of controls in first-seen order, with counts across the kept targets. */
static json_t *controls(struct jbuild *c, const struct row *rows, size_t nrows)
{
    json_t *list = json_array(), *by_id = json_object();
    for (size_t k = 0; k < nrows; k++) {
        json_t *seen = json_object(); /* a control counted once per target */
        size_t i;
        const json_t *r;
        json_array_foreach(json_object_get(rows[k].t, "results"), i, r) {
            const char *id = json_str(r, "control");
            if (!id || json_object_get(seen, id))
                continue;
            if (json_object_set_new(seen, id, json_true()) != 0)
                c->oom = 1;
            json_t *e = json_object_get(by_id, id);
            if (!e) {
                long zero[ST__COUNT] = { 0 };
                e = json_object();
                jb_set(c, e, "id", json_string_lossy(id, strlen(id)));
                jb_set(c, e, "title", json_is_string(json_object_get(r, "title"))
                                        ? json_copy(json_object_get(r, "title"))
                                        : json_string(""));
                jb_set(c, e, "severity", json_string(severity_name(severity_of(r))));
                jb_set(c, e, "check", jb_str_or_null(r, "check"));
                jb_set(c, e, "targets", json_integer(0));
                jb_set(c, e, "results", status_counts(c, zero));
                jb_add(c, list, e);
                if (json_object_set(by_id, id, e) != 0)
                    c->oom = 1;
            }
            json_t *n = json_object_get(e, "targets");
            json_integer_set(n, json_integer_value(n) + 1);
            json_t *cnt = json_object_get(json_object_get(e, "results"),
                                          status_name(status_of(r)));
            json_integer_set(cnt, json_integer_value(cnt) + 1);
        }
        json_decref(seen);
    }
    json_decref(by_id);
    return list;
}

/* The fleet's entry for a kept target, and its row of the matrix. */
static void target_entry(struct jbuild *c, const struct row *r, json_t *targets, json_t *matrix)
{
    json_t *e = json_object(), *m = json_object(), *cells = json_object();
    size_t i;
    const json_t *res;
    jb_set(c, e, "url", json_string_lossy(r->url, strlen(r->url)));
    if (json_is_string(json_object_get(r->t, "name")))
        jb_set(c, e, "name", json_copy(json_object_get(r->t, "name")));
    if (json_is_string(json_object_get(r->t, "organisation")))
        jb_set(c, e, "organisation", json_copy(json_object_get(r->t, "organisation")));
    jb_set(c, e, "verdict", json_string(verdict_names[r->verdict]));
    if (json_is_string(json_object_get(r->t, "error")))
        jb_set(c, e, "error", json_copy(json_object_get(r->t, "error")));
    jb_set(c, e, "results", status_counts(c, r->st));
    jb_set(c, e, "failed_by_severity", severity_counts(c, r->failed));
    jb_set(c, e, "source", json_integer((json_int_t)r->src));
    jb_add(c, targets, e);
    json_array_foreach(json_object_get(r->t, "results"), i, res) {
        const char *id = json_str(res, "control");
        if (id && !json_object_get(cells, id) &&
            json_object_set_new(cells, id, json_string(status_name(status_of(res)))) != 0)
            c->oom = 1;
    }
    jb_set(c, m, "url", json_string_lossy(r->url, strlen(r->url)));
    jb_set(c, m, "controls", cells);
    jb_add(c, matrix, m);
}

/* Fleet-wide and per-organisation totals; returns the fleet verdict (V_*). */
static int totals(struct jbuild *c, const struct row *rows, size_t nrows, json_t *fleet)
{
    long v[V_N] = { 0 }, st[ST__COUNT] = { 0 }, failed[SEV__COUNT] = { 0 };
    struct org *orgs = calloc(nrows ? nrows : 1, sizeof *orgs);
    size_t norgs = 0;
    if (!orgs) {
        c->oom = 1;
        return V_UNREACHABLE;
    }
    for (size_t k = 0; k < nrows; k++) {
        const char *name = json_str(rows[k].t, "organisation");
        struct org *o = NULL;
        for (size_t j = 0; j < norgs && !o; j++)
            if (name ? orgs[j].name && strcmp(orgs[j].name, name) == 0 : !orgs[j].name)
                o = &orgs[j];
        if (!o) {
            o = &orgs[norgs++];
            o->name = name;
        }
        o->v[rows[k].verdict]++;
        v[rows[k].verdict]++;
        for (int s = 0; s < SEV__COUNT; s++) {
            o->failed[s] += rows[k].failed[s];
            failed[s] += rows[k].failed[s];
        }
        for (int s = 0; s < ST__COUNT; s++)
            st[s] += rows[k].st[s];
    }
    qsort(orgs, norgs, sizeof *orgs, org_cmp);
    json_t *list = json_array(), *tot = json_object();
    for (size_t j = 0; j < norgs; j++) {
        json_t *e = json_object();
        long n = 0;
        for (int i = 0; i < V_N; i++)
            n += orgs[j].v[i];
        jb_set(c, e, "name", orgs[j].name ? json_string_lossy(orgs[j].name, strlen(orgs[j].name))
                                        : json_null());
        jb_set(c, e, "targets", json_integer(n));
        jb_set(c, e, "verdicts", verdict_counts(c, orgs[j].v));
        jb_set(c, e, "failed_by_severity", severity_counts(c, orgs[j].failed));
        jb_add(c, list, e);
    }
    free(orgs);
    jb_set(c, tot, "targets", json_integer((json_int_t)nrows));
    jb_set(c, tot, "verdicts", verdict_counts(c, v));
    jb_set(c, tot, "results", status_counts(c, st));
    jb_set(c, tot, "failed_by_severity", severity_counts(c, failed));
    jb_set(c, tot, "organisations", list);
    jb_set(c, fleet, "totals", tot);
    /* as report_finish decides a report's verdict */
    return nrows == 0 || (size_t)v[V_UNREACHABLE] == nrows ? V_UNREACHABLE
           : v[V_NONCOMPLIANT]                            ? V_NONCOMPLIANT
           : v[V_INCOMPLETE] || v[V_UNREACHABLE]           ? V_INCOMPLETE
                                                           : V_COMPLIANT;
}

json_t *fleet_merge(const char *const *files, json_t *const *reports, size_t n)
{
    static const char *const members[] = { "schema", "tool", "generated_at", "verdict",
                                           "profiles_differ", "warnings", "sources", "profiles",
                                           "duplicates", "totals", "targets", "controls",
                                           "matrix" };
    struct jbuild c = { 0 };
    struct row *rows = NULL;
    size_t nrows = 0;
    char now[32];
    json_t *fleet = json_object(), *sources = json_array(), *warnings = json_array();
    json_t *dups = json_array(), *targets = json_array(), *matrix = json_array();
    if (!fleet || !sources || !warnings || !dups || !targets || !matrix) {
        json_decref(sources);
        json_decref(warnings);
        json_decref(dups);
        json_decref(targets);
        json_decref(matrix);
        goto fail;
    }
    /* every member in the document's order; each is replaced in place below */
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        jb_set(&c, fleet, members[i], json_null());
    jb_set(&c, fleet, "sources", sources);
    jb_set(&c, fleet, "warnings", warnings);
    jb_set(&c, fleet, "duplicates", dups);
    jb_set(&c, fleet, "targets", targets);
    jb_set(&c, fleet, "matrix", matrix);
    time_rfc3339(now, sizeof now);
    jb_set(&c, fleet, "schema", json_string(FLEET_SCHEMA));
    jb_set(&c, fleet, "tool", json_pack("{s:s, s:s}", "name", "cocscan", "version", COC_VERSION));
    jb_set(&c, fleet, "generated_at", json_string(now));
    for (size_t s = 0; s < n; s++)
        jb_add(&c, sources, source_entry(&c, files[s], reports[s]));
    jb_set(&c, fleet, "profiles_differ", json_boolean(profiles(&c, fleet, sources, warnings)));
    fail_on_warning(&c, sources, warnings);
    if (pick(&c, reports, n, sources, &rows, &nrows, dups) < 0)
        goto fail;
    finish_duplicates(&c, dups, rows, nrows, sources, warnings);
    for (size_t k = 0; k < nrows; k++)
        count_row(&rows[k]);
    jb_set(&c, fleet, "controls", controls(&c, rows, nrows)); /* input order: before sorting */
    qsort(rows, nrows, sizeof *rows, row_cmp);
    for (size_t k = 0; k < nrows; k++)
        target_entry(&c, &rows[k], targets, matrix);
    jb_set(&c, fleet, "verdict", json_string(verdict_names[totals(&c, rows, nrows, fleet)]));
    if (c.oom)
        goto fail;
    free(rows);
    return fleet;
fail:
    free(rows);
    json_decref(fleet);
    return NULL;
}

int fleet_all_compliant(const json_t *fleet)
{
    const char *v = json_str(fleet, "verdict");
    return v && strcmp(v, "compliant") == 0;
}
