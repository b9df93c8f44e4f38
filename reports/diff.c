/*
 * diff.c — comparing two reports target by target (schema reports/diff.schema.json).
 *
 * Targets are matched by url (the first target of that url in each report; later ones are not
 * compared). For each control of a matched target, with "bad" meaning fail, warn, error or a
 * status this build does not know, and "absent" a control one side's profile did not have:
 *   new failure     bad now, and before good (pass, skipped, waived, attested) or absent
 *   fixed           pass now, bad before
 *   still failing   bad before and now (the two statuses are both recorded: warn → fail shows)
 *   other change    any other change of status: pass → skipped, fail → waived, removed, …
 * A target that became unreachable is a regression of its own; its controls and observations
 * are not compared (they would all be "not determined"). Of a target that was unreachable
 * before only the controls are compared: its old results are errors, so a failure now is still
 * failing, not new, and a pass is fixed. Targets only in the new report are listed as added,
 * never as regressions.
 */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jbuild.h"
#include "diff_int.h"
#include "util.h"

#define OBS_CHANGES_MAX 200 /* observation changes kept per target; the rest are counted */

enum cat { CAT_NEW, CAT_FIXED, CAT_STILL, CAT_OTHER, CAT_N };
static const char *const cat_keys[CAT_N] = { "new_failures", "fixed", "still_failing",
                                             "other_changes" };

struct change {
    json_t *entry; /* owned until appended */
    enum cat cat;
    int sev;       /* enum severity */
    size_t ord;    /* new report's order, then the old one's */
};

/* A result's status; "error" when it has none that is a string; NULL for no result. */
static const char *status_of(const json_t *r)
{
    if (!r)
        return NULL;
    return json_str(r, "status") ? json_str(r, "status") : "error";
}

static int sev_of(const json_t *r)
{
    enum severity sev = SEV_INFO;
    if (json_str(r, "severity"))
        severity_parse(json_str(r, "severity"), &sev);
    return (int)sev;
}

static int is_bad(const char *st)
{
    static const char *const good[] = { "pass", "skipped", "waived", "attested" };
    if (!st)
        return 0;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (strcmp(st, good[i]) == 0)
            return 0;
    return 1;
}

static int unreachable(const json_t *t)
{
    const char *v = json_str(t, "verdict");
    return json_object_get(t, "error") || (v && strcmp(v, "unreachable") == 0);
}

static int change_cmp(const void *a, const void *b)
{
    const struct change *x = a, *y = b;
    if (x->sev != y->sev)
        return y->sev - x->sev;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The category of a status change; -1 when nothing changed that is worth listing. */
static int categorise(const char *was, const char *now)
{
    if (is_bad(now))
        return is_bad(was) ? CAT_STILL : CAT_NEW;
    if (is_bad(was))
        return now && strcmp(now, "pass") == 0 ? CAT_FIXED : CAT_OTHER;
    if (!was && !now)
        return -1;
    if (was && now && strcmp(was, now) == 0)
        return -1;
    return CAT_OTHER;
}

/* The first line of a result's evidence (a string or a list of strings), or NULL. */
static const json_t *evidence_of(const json_t *r)
{
    const json_t *ev = json_object_get(r, "evidence");
    if (json_is_array(ev))
        ev = json_array_get(ev, 0);
    return json_is_string(ev) ? ev : NULL;
}

static json_t *change_entry(struct jbuild *c, const char *id, const json_t *was, const json_t *now,
                            int cat)
{
    const json_t *r = now ? now : was;
    json_t *e = json_object();
    jb_set(c, e, "control", json_string_lossy(id, strlen(id)));
    jb_set(c, e, "title", json_is_string(json_object_get(r, "title"))
                            ? json_copy(json_object_get(r, "title"))
                            : json_string(""));
    jb_set(c, e, "severity", json_string(severity_name((enum severity)sev_of(r))));
    jb_set(c, e, "old", status_of(was) ? json_string_lossy(status_of(was), strlen(status_of(was)))
                                     : json_null());
    jb_set(c, e, "new", status_of(now) ? json_string_lossy(status_of(now), strlen(status_of(now)))
                                     : json_null());
    if (cat == CAT_NEW && evidence_of(now))
        jb_set(c, e, "evidence", json_copy((json_t *)evidence_of(now)));
    return e;
}

/* The objects of array as key's string value -> object, the first object of each value (a
 * report's results by control id, its targets by url). New reference. */
static json_t *index_by(struct jbuild *c, const json_t *array, const char *key)
{
    json_t *map = json_object();
    size_t i;
    json_t *o;
    json_array_foreach(array, i, o) {
        const char *v = json_str(o, key);
        if (v && !json_object_get(map, v) && json_object_set(map, v, o) != 0)
            c->oom = 1;
    }
    return map;
}

/* The controls of two instances of a target, each change into its category's array of e. */
static void compare_controls(struct jbuild *c, const json_t *ot, const json_t *nt, json_t *e,
                             long counts[CAT_N])
{
    json_t *old_map = index_by(c, json_object_get(ot, "results"), "control");
    json_t *new_map = index_by(c, json_object_get(nt, "results"), "control");
    size_t n = json_object_size(old_map) + json_object_size(new_map), k = 0;
    struct change *ch = calloc(n ? n : 1, sizeof *ch);
    const char *id;
    json_t *r;
    if (!ch) {
        c->oom = 1;
        goto out;
    }
    json_object_foreach(new_map, id, r) {
        const json_t *was = json_object_get(old_map, id);
        int cat = categorise(status_of(was), status_of(r));
        if (cat < 0)
            continue;
        ch[k] = (struct change){ change_entry(c, id, was, r, cat), (enum cat)cat, sev_of(r), k };
        k++;
    }
    json_object_foreach(old_map, id, r) {
        if (json_object_get(new_map, id))
            continue;
        int cat = categorise(status_of(r), NULL);
        if (cat < 0)
            continue;
        ch[k] = (struct change){ change_entry(c, id, r, NULL, cat), (enum cat)cat, sev_of(r), k };
        k++;
    }
    qsort(ch, k, sizeof *ch, change_cmp);
    for (size_t i = 0; i < k; i++) {
        jb_add(c, json_object_get(e, cat_keys[ch[i].cat]), ch[i].entry);
        counts[ch[i].cat]++;
    }
out:
    free(ch);
    json_decref(old_map);
    json_decref(new_map);
}

/* Who a target is: url, name, organisation. */
static json_t *target_id(struct jbuild *c, const json_t *t)
{
    json_t *e = json_object();
    const char *url = json_str(t, "url");
    jb_set(c, e, "url", json_string_lossy(url, strlen(url)));
    if (json_is_string(json_object_get(t, "name")))
        jb_set(c, e, "name", json_copy(json_object_get(t, "name")));
    if (json_is_string(json_object_get(t, "organisation")))
        jb_set(c, e, "organisation", json_copy(json_object_get(t, "organisation")));
    return e;
}

/* A target in only one of the reports. */
static json_t *lone_target(struct jbuild *c, const json_t *t)
{
    json_t *e = target_id(c, t);
    long failed = 0;
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(t, "results"), i, r)
        failed += json_str(r, "status") && strcmp(json_str(r, "status"), "fail") == 0;
    jb_set(c, e, "verdict", jb_str_or_null(t, "verdict"));
    jb_set(c, e, "failed", json_integer(failed));
    return e;
}

static json_t *side(struct jbuild *c, const json_t *rep, const char *file)
{
    const json_t *p = json_object_get(rep, "profile");
    json_t *e = json_object(), *prof = json_object();
    jb_set(c, e, "file", json_string_lossy(file, strlen(file)));
    jb_set(c, e, "started_at", jb_str_or_null(rep, "started_at"));
    jb_set(c, prof, "id", jb_str_or_null(p, "id"));
    jb_set(c, prof, "version", jb_str_or_null(p, "version"));
    jb_set(c, prof, "sha256", jb_str_or_null(p, "sha256"));
    jb_set(c, e, "profile", prof);
    jb_set(c, e, "verdict", jb_str_or_null(rep, "verdict"));
    return e;
}

/* One matched target: its verdicts, control changes and observation changes. */
static json_t *compare_target(struct jbuild *c, const json_t *ot, const json_t *nt, long sum[CAT_N],
                              long *obs_changes, long *lost)
{
    json_t *e = target_id(c, nt), *obs = json_array();
    jb_set(c, e, "old_verdict", jb_str_or_null(ot, "verdict"));
    jb_set(c, e, "new_verdict", jb_str_or_null(nt, "verdict"));
    int became = unreachable(nt) && !unreachable(ot);
    jb_set(c, e, "became_unreachable", json_boolean(became));
    *lost += became;
    if (json_is_string(json_object_get(nt, "error")))
        jb_set(c, e, "error", json_copy(json_object_get(nt, "error")));
    for (int k = 0; k < CAT_N; k++)
        jb_set(c, e, cat_keys[k], json_array());
    jb_set(c, e, "observations", obs);
    if (unreachable(nt))
        return e;
    compare_controls(c, ot, nt, e, sum);
    if (unreachable(ot))
        return e;
    long more = diff_observations(json_object_get(ot, "observations"),
                                  json_object_get(nt, "observations"), obs, OBS_CHANGES_MAX);
    if (more < 0)
        c->oom = 1;
    else if (more > 0)
        jb_set(c, e, "observations_truncated", json_integer(more));
    *obs_changes += (long)json_array_size(obs) + (more > 0 ? more : 0);
    return e;
}

json_t *diff_reports(const json_t *old_rep, const char *old_file, const json_t *new_rep,
                     const char *new_file)
{
    struct jbuild c = { 0 };
    long sum[CAT_N] = { 0 }, obs_changes = 0, lost = 0, compared = 0;
    json_t *d = json_object(), *added = json_array(), *removed = json_array();
    json_t *targets = json_array(), *summary = json_object();
    json_t *old_map = index_by(&c, json_object_get(old_rep, "targets"), "url");
    json_t *new_map = index_by(&c, json_object_get(new_rep, "targets"), "url");
    const char *url;
    json_t *t;
    jb_set(&c, d, "schema", json_string(DIFF_SCHEMA));
    jb_set(&c, d, "tool", json_pack("{s:s, s:s}", "name", "cocscan", "version", COC_VERSION));
    jb_set(&c, d, "old", side(&c, old_rep, old_file));
    jb_set(&c, d, "new", side(&c, new_rep, new_file));
    const char *os = json_str(json_object_get(old_rep, "profile"), "sha256");
    const char *ns = json_str(json_object_get(new_rep, "profile"), "sha256");
    jb_set(&c, d, "profile_changed", json_boolean(!os || !ns || strcmp(os, ns) != 0));
    jb_set(&c, d, "regressed", json_false());
    jb_set(&c, d, "summary", summary);
    jb_set(&c, d, "targets_added", added);
    jb_set(&c, d, "targets_removed", removed);
    jb_set(&c, d, "targets", targets);
    json_object_foreach(new_map, url, t) {
        const json_t *ot = json_object_get(old_map, url);
        if (!ot) {
            jb_add(&c, added, lone_target(&c, t));
            continue;
        }
        compared++;
        jb_add(&c, targets, compare_target(&c, ot, t, sum, &obs_changes, &lost));
    }
    json_object_foreach(old_map, url, t)
        if (!json_object_get(new_map, url))
            jb_add(&c, removed, lone_target(&c, t));
    jb_set(&c, summary, "targets_compared", json_integer(compared));
    jb_set(&c, summary, "targets_added", json_integer((json_int_t)json_array_size(added)));
    jb_set(&c, summary, "targets_removed", json_integer((json_int_t)json_array_size(removed)));
    jb_set(&c, summary, "became_unreachable", json_integer(lost));
    jb_set(&c, summary, "new_failures", json_integer(sum[CAT_NEW]));
    jb_set(&c, summary, "fixed", json_integer(sum[CAT_FIXED]));
    jb_set(&c, summary, "still_failing", json_integer(sum[CAT_STILL]));
    jb_set(&c, summary, "other_changes", json_integer(sum[CAT_OTHER]));
    jb_set(&c, summary, "observation_changes", json_integer(obs_changes));
    jb_set(&c, d, "regressed", json_boolean(sum[CAT_NEW] > 0 || lost > 0));
    json_decref(old_map);
    json_decref(new_map);
    if (c.oom || !d || !added || !removed || !targets || !summary) {
        json_decref(d);
        return NULL;
    }
    return d;
}

int diff_regressed(const json_t *diff)
{
    return json_is_true(json_object_get(diff, "regressed"));
}
