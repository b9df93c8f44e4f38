/* eval.c — observe once per check, then judge each control: the pipeline's middle. */
#include "eval.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "registry.h"
#include "scan.h"
#include "strbuf.h"
#include "target.h"
#include "util.h"

int selection_parse(const char *list, struct selection *sel, struct coc_error *e)
{
    memset(sel, 0, sizeof *sel);
    char *copy = strdup(list), *save = NULL;
    if (!copy)
        return coc_fail(e, "out of memory");
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        int known = check_find(tok) != NULL;
        for (size_t i = 0; !known && i < check_count(); i++)
            known = strcmp(check_at(i)->family, tok) == 0;
        if (!known) {
            const char *hint = check_suggest(tok);
            coc_fail(e, "--checks: unknown check or family '%s'%s%s%s (see `cocscan checks`)", tok,
                     hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
            free(copy);
            selection_release(sel);
            return -1;
        }
        char **items = realloc(sel->items, (sel->n + 1) * sizeof *items);
        if (!items || !(items[sel->n] = strdup(tok))) {
            free(items ? items : sel->items);
            sel->items = NULL;
            sel->n = 0;
            free(copy);
            return coc_fail(e, "out of memory");
        }
        sel->items = items;
        sel->n++;
    }
    free(copy);
    if (sel->n == 0)
        return coc_fail(e, "--checks: the list is empty");
    return 0;
}

void selection_release(struct selection *sel)
{
    for (size_t i = 0; i < sel->n; i++)
        free(sel->items[i]);
    free(sel->items);
    memset(sel, 0, sizeof *sel);
}

static int selected(const struct selection *sel, const struct check *c)
{
    if (!sel || sel->n == 0)
        return 1;
    for (size_t i = 0; i < sel->n; i++)
        if (strcmp(sel->items[i], c->id) == 0 || strcmp(sel->items[i], c->family) == 0)
            return 1;
    return 0;
}

static int control_enabled(const json_t *ctl)
{
    return !json_is_true(json_object_get(ctl, "disabled"));
}

/* The family observation object of check c, created on demand. */
static json_t *family_obs(json_t *observations, const struct check *c)
{
    const char *key = check_obs_key(c);
    json_t *o = json_object_get(observations, key);
    if (!o) {
        o = json_object();
        json_object_set_new(observations, key, o);
    }
    return o;
}

static int was_run(const json_t *fobs, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(fobs, "checks_run"), i, v)
        if (strcmp(json_string_value(v), id) == 0)
            return 1;
    return 0;
}

void eval_observe(struct scan *scan, struct target *t, const struct profile *p,
                  const struct selection *sel, json_t *observations)
{
    const json_t *controls = json_object_get(p->doc, "controls");
    for (size_t i = 0; i < check_count(); i++) {
        const struct check *c = check_at(i);
        int needed = 0;
        const char *id;
        const json_t *ctl;
        json_object_foreach((json_t *)controls, id, ctl) {
            const char *cid = json_string_value(json_object_get(ctl, "check"));
            if (cid && strcmp(cid, c->id) == 0 && control_enabled(ctl))
                needed = 1;
        }
        if (!needed || !selected(sel, c))
            continue;
        json_t *fobs = family_obs(observations, c);
        int64_t t0 = clock_ms();
        int rc = c->observe(scan, t, fobs);
        log_debug(1, "%s: %s %s in %lld ms", t->url, c->id, rc == 0 ? "observed" : "failed",
                  (long long)(clock_ms() - t0));
        json_t *run = json_object_get(fobs, "checks_run");
        if (!run) {
            run = json_array();
            json_object_set_new(fobs, "checks_run", run);
        }
        json_array_append_new(run, json_string(c->id));
    }
}

static json_t *result_new(const char *id, const json_t *ctl, const char *check_id)
{
    json_t *r = json_object();
    json_object_set_new(r, "control", json_string(id));
    json_object_set_new(r, "check", check_id ? json_string(check_id) : json_null());
    json_object_set(r, "title", json_object_get(ctl, "title"));
    json_object_set(r, "severity", json_object_get(ctl, "severity"));
    return r;
}

static void result_finish(json_t *r, const json_t *ctl, enum status st, const json_t *expected,
                          json_t *observed, json_t *evidence)
{
    json_object_set_new(r, "status", json_string(status_name(st)));
    json_object_set_new(r, "expected", expected ? json_deep_copy(expected) : json_null());
    json_object_set_new(r, "observed", observed ? observed : json_null());
    json_object_set_new(r, "evidence", evidence ? evidence : json_null());
    json_t *refs = json_object_get(ctl, "refs");
    json_object_set_new(r, "refs", refs ? json_deep_copy(refs) : json_object());
    json_t *rem = json_object_get(ctl, "remediation");
    json_object_set_new(r, "remediation", rem ? json_incref(rem) : json_null());
    json_object_set_new(r, "waiver", json_null());
}

static json_t *judge_control(const json_t *observations, const char *id, const json_t *ctl,
                             const struct selection *sel, const char *unreachable)
{
    const char *cid = json_string_value(json_object_get(ctl, "check"));
    const struct check *c = cid ? check_find(cid) : NULL;
    const json_t *expect = json_object_get(ctl, "expect");
    json_t *r = result_new(id, ctl, cid);
    struct result res = { NULL, NULL };
    enum status st;
    if (!control_enabled(ctl)) {
        st = ST_SKIPPED;
        result_evidencef(&res, "disabled by the profile: %s",
                         json_string_value(json_object_get(ctl, "reason")));
    } else if (!c) {
        st = ST_ERROR;
        result_evidencef(&res, "check '%s' is not known to this version of cocscan", cid);
    } else if (unreachable) {
        st = ST_ERROR;
        result_evidencef(&res, "target not scanned: %s", unreachable);
    } else if (!selected(sel, c)) {
        st = ST_SKIPPED;
        result_evidencef(&res, "not selected by --checks");
    } else {
        const json_t *fobs = json_object_get(observations, check_obs_key(c));
        const char *err = obs_error_get(fobs, c->id);
        if (err) {
            st = ST_ERROR;
            result_evidencef(&res, "%s", err);
        } else if (!was_run(fobs, c->id)) {
            st = ST_SKIPPED;
            result_evidencef(&res, "%s was not observed in this scan", c->id);
        } else {
            json_t *empty = json_object();
            st = c->judge(fobs, expect ? expect : empty, &res);
            json_decref(empty);
        }
    }
    result_finish(r, ctl, st, expect, res.observed, res.evidence);
    return r;
}

json_t *eval_judge(const json_t *observations, const struct profile *p,
                   const struct selection *sel, const char *unreachable)
{
    json_t *results = json_array();
    const char *id;
    const json_t *ctl;
    json_object_foreach(json_object_get(p->doc, "controls"), id, ctl)
        json_array_append_new(results, judge_control(observations, id, ctl, sel, unreachable));
    json_object_foreach(json_object_get(p->doc, "attestations"), id, ctl) {
        json_t *r = result_new(id, ctl, NULL);
        struct result res = { NULL, NULL };
        if (control_enabled(ctl))
            result_evidencef(&res, "no evidence supplied");
        else
            result_evidencef(&res, "disabled by the profile: %s",
                             json_string_value(json_object_get(ctl, "reason")));
        result_finish(r, ctl, ST_SKIPPED, NULL, NULL, res.evidence);
        json_object_set_new(r, "attestation", json_true());
        json_array_append_new(results, r);
    }
    return results;
}
