/*
 * manual.c — waivers and attestation evidence: loading (strict, every problem as file:line:col,
 * all before any probe runs) and applying them to a target's judged results.
 *
 * A waiver never hides a result: the result becomes `waived` and its waiver object keeps the
 * status it covers, so every report format can still say what was wrong. Evidence never counts
 * as verified: an answered attestation is `attested`, not `pass`.
 */
#include "manual.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "yamldoc.h"

#define MANUAL_MAX_BYTES (4 * 1024 * 1024)

static const char *const waiver_keys[] = {
    "control", "target", "reason", "approved_by", "expires", NULL,
};
static const char *const evidence_keys[] = {
    "control", "target", "answer", "by", "date", "reference", NULL,
};

long manual_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return (long)days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* A YYYY-MM-DD date that exists. 0 ok (out, *day set), -1. */
static int parse_date(const char *s, char out[11], long *day)
{
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-')
        return -1;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return -1;
    memcpy(out, s, 11);
    *day = (long)days_from_civil(y, m, d);
    return 0;
}

static int in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(*list, w) == 0)
            return 1;
    return 0;
}

/* A non-empty string value for key of entry n, copied into *out; a problem goes to d. */
static void want_text(struct diag *d, const char *file, const struct ynode *n, const char *key,
                      int required, const char *what, char **out)
{
    const struct ynode *v = ynode_get(n, key);
    if (!v) {
        if (required)
            diag_at(d, file, n->line, n->col, "%s has no '%s'", what, key);
        return;
    }
    if (v->type != YN_SCALAR || ynode_is_null(v) || !v->value[strspn(v->value, " \t\r\n")]) {
        diag_at(d, file, v->line, v->col, "'%s' must be a non-empty text, not %s", key,
                v->type == YN_SCALAR ? "empty" : ynode_type_name(v));
        return;
    }
    if (memchr(v->value, '\0', v->len)) {
        diag_at(d, file, v->line, v->col, "'%s' holds a NUL byte", key);
        return;
    }
    *out = strdup(v->value);
}

static void entry_release(struct manual_entry *e)
{
    free(e->control);
    free(e->target);
    free(e->reason);
    free(e->approved_by);
    free(e->by);
    free(e->reference);
}

/* One list item of a waivers (evidence = 0) or evidence file. */
static void load_entry(struct diag *d, const char *file, const struct ynode *n, int evidence,
                       long today, struct manual_entry *e)
{
    const char *const *allowed = evidence ? evidence_keys : waiver_keys;
    const char *what = evidence ? "the evidence entry" : "the waiver";
    memset(e, 0, sizeof *e);
    e->line = n->line;
    e->col = n->col;
    if (n->type != YN_MAP) {
        diag_at(d, file, n->line, n->col, "%s must be a mapping, not %s", what,
                ynode_type_name(n));
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->value;
        if (in_list(k, allowed))
            continue;
        const char *hint = closest_word(k, allowed);
        diag_at(d, file, n->keys[i]->line, n->keys[i]->col, "unknown key '%s' in %s%s%s%s", k,
                what, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    }
    want_text(d, file, n, "control", 1, what, &e->control);
    want_text(d, file, n, "target", !evidence, what, &e->target);
    if (!e->target && evidence && !ynode_get(n, "target"))
        e->target = strdup("*");
    const char *date_key = evidence ? "date" : "expires";
    char *date = NULL;
    want_text(d, file, n, date_key, 1, what, &date);
    const struct ynode *dn = ynode_get(n, date_key);
    if (date && parse_date(date, e->date, &e->day) < 0)
        diag_at(d, file, dn->line, dn->col, "'%s' must be a date as YYYY-MM-DD, not '%s'",
                date_key, date);
    else if (date && evidence && e->day > today)
        diag_at(d, file, dn->line, dn->col, "'date' %s is in the future", e->date);
    free(date);
    if (!evidence) {
        want_text(d, file, n, "reason", 1, what, &e->reason);
        want_text(d, file, n, "approved_by", 1, what, &e->approved_by);
        return;
    }
    want_text(d, file, n, "by", 1, what, &e->by);
    want_text(d, file, n, "reference", 1, what, &e->reference);
    const struct ynode *an = ynode_get(n, "answer");
    int b;
    if (!an)
        diag_at(d, file, n->line, n->col, "%s has no 'answer'", what);
    else if (an->type == YN_SCALAR && (strcmp(an->value, "yes") == 0 ||
                                       strcmp(an->value, "no") == 0))
        e->yes = an->value[0] == 'y';
    else if (ynode_bool(an, &b) == 0)
        e->yes = b;
    else
        diag_at(d, file, an->line, an->col, "'answer' must be yes or no");
}

static int manual_load(const char *path, const char *top, int evidence, long today,
                       struct manual *m, struct diag *d)
{
    char *text = NULL;
    size_t len = 0;
    struct ynode *root = NULL;
    int before = d->count;
    memset(m, 0, sizeof *m);
    if (file_read_all(path, MANUAL_MAX_BYTES, &text, &len) < 0) {
        diag_at(d, path, 0, 0, "cannot read the %s file (missing, unreadable or over 4 MiB)",
                evidence ? "evidence" : "waivers");
        return -1;
    }
    if (!(m->file = strdup(path))) { /* also for an empty list: the report names the file */
        diag_at(d, path, 0, 0, "out of memory");
        goto out;
    }
    if (ydoc_parse(path, text, len, &root, d) < 0)
        goto out;
    const struct ynode *list = root->type == YN_MAP ? ynode_get(root, top) : NULL;
    if (root->type != YN_MAP || !list) {
        diag_at(d, path, root->line, root->col, "expected a mapping with a '%s' list", top);
        goto out;
    }
    for (size_t i = 0; i < root->n; i++)
        if (strcmp(root->keys[i]->value, top) != 0)
            diag_at(d, path, root->keys[i]->line, root->keys[i]->col,
                    "unknown key '%s' (the file holds one '%s' list)", root->keys[i]->value, top);
    if (list->type != YN_SEQ) {
        if (!ynode_is_null(list))
            diag_at(d, path, list->line, list->col, "'%s' must be a list, not %s", top,
                    ynode_type_name(list));
        goto out;
    }
    m->v = calloc(list->n ? list->n : 1, sizeof *m->v);
    if (!m->v) {
        diag_at(d, path, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < list->n; i++)
        load_entry(d, path, list->items[i], evidence, today, &m->v[m->n++]);
out:
    ynode_free(root);
    free(text);
    if (d->count > before) {
        manual_release(m);
        return -1;
    }
    return 0;
}

int waivers_load(const char *path, struct manual *m, struct diag *d)
{
    return manual_load(path, "waivers", 0, 0, m, d);
}

int evidence_load(const char *path, struct manual *m, long today, struct diag *d)
{
    return manual_load(path, "evidence", 1, today, m, d);
}

int manual_check_profile(const struct manual *m, const struct profile *p, int evidence,
                         struct diag *d)
{
    int before = d->count;
    const json_t *ctl = json_object_get(p->doc, "controls");
    const json_t *att = json_object_get(p->doc, "attestations");
    const char *pid = json_string_value(json_object_get(p->doc, "profile"));
    for (size_t i = 0; i < m->n; i++) {
        const char *id = m->v[i].control;
        if (evidence && json_object_get(ctl, id))
            diag_at(d, m->file, m->v[i].line, m->v[i].col,
                    "%s is a control, not an attestation: evidence answers attestations only",
                    id);
        else if (!json_object_get(ctl, id) && !json_object_get(att, id))
            diag_at(d, m->file, m->v[i].line, m->v[i].col, "profile %s has no %s '%s'",
                    pid ? pid : "?", evidence ? "attestation" : "control", id);
    }
    return d->count > before ? -1 : 0;
}

void manual_release(struct manual *m)
{
    for (size_t i = 0; i < m->n; i++)
        entry_release(&m->v[i]);
    free(m->v);
    free(m->file);
    memset(m, 0, sizeof *m);
}

static int matches(const struct manual_entry *e, const char *id, const char *url)
{
    return id && strcmp(e->control, id) == 0 && fnmatch(e->target, url, 0) == 0;
}

/* "file:line" of an entry, for the report. New reference. */
static json_t *source_of(const struct manual *m, const struct manual_entry *e)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s:%d", m->file, e->line);
    json_t *out = json_string_lossy(sb.buf, sb.len);
    strbuf_release(&sb);
    return out;
}

void evidence_apply(const struct manual *ev, const struct profile *p, const char *url,
                    json_t *results, long today)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        if (!json_is_true(json_object_get(r, "attestation")))
            continue;
        const char *id = json_string_value(json_object_get(r, "control"));
        const json_t *att = json_object_get(json_object_get(p->doc, "attestations"), id);
        if (json_is_true(json_object_get(att, "disabled")))
            continue;
        const struct manual_entry *best = NULL;
        for (size_t j = 0; j < ev->n; j++)
            if (matches(&ev->v[j], id, url) && (!best || ev->v[j].day > best->day))
                best = &ev->v[j];
        if (!best)
            continue;
        json_int_t max_age = json_integer_value(json_object_get(att, "max_age"));
        long age = today - best->day;
        const char *status = "attested";
        struct strbuf why = STRBUF_INIT;
        if (!best->yes) {
            status = "fail";
            strbuf_addf(&why, "answered no by %s on %s (%s)", best->by, best->date,
                        best->reference);
        } else if (max_age > 0 && age > max_age) {
            status = "warn";
            strbuf_addf(&why, "attested by %s on %s (%s), %ld days ago: older than this "
                        "attestation's max_age of %lld days; renew the evidence", best->by,
                        best->date, best->reference, age, (long long)max_age);
        } else {
            strbuf_addf(&why, "attested by %s on %s (%s); not verified by the scan", best->by,
                        best->date, best->reference);
        }
        json_object_set_new(r, "status", json_string(status));
        json_object_set_new(r, "evidence", json_string_lossy(why.buf, why.len));
        json_object_set_new(r, "observed",
                            json_pack("{s:s, s:o, s:o, s:s, s:o, s:I}", "answer",
                                      best->yes ? "yes" : "no", "by",
                                      json_string_lossy(best->by, strlen(best->by)), "reference",
                                      json_string_lossy(best->reference, strlen(best->reference)),
                                      "date", best->date, "source", source_of(ev, best),
                                      "age_days", (json_int_t)age));
        strbuf_release(&why);
    }
}

static json_t *waiver_object(const struct manual *w, const struct manual_entry *e)
{
    return json_pack("{s:o, s:o, s:o, s:s, s:o}", "reason",
                     json_string_lossy(e->reason, strlen(e->reason)), "approved_by",
                     json_string_lossy(e->approved_by, strlen(e->approved_by)), "target",
                     json_string_lossy(e->target, strlen(e->target)), "expires", e->date,
                     "source", source_of(w, e));
}

void waivers_apply(const struct manual *w, const char *url, json_t *results, long today)
{
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        const char *st = json_string_value(json_object_get(r, "status"));
        if (!st || (strcmp(st, "fail") != 0 && strcmp(st, "warn") != 0))
            continue;
        const char *id = json_string_value(json_object_get(r, "control"));
        for (size_t j = 0; j < w->n; j++) {
            const struct manual_entry *e = &w->v[j];
            if (!matches(e, id, url) || e->day < today)
                continue;
            json_t *obj = waiver_object(w, e);
            json_object_set_new(obj, "status", json_string(st));
            json_object_set_new(r, "waiver", obj);
            json_object_set_new(r, "status", json_string("waived"));
            break;
        }
    }
}

json_t *waivers_summary(const struct manual *w, long today)
{
    json_t *expired = json_array();
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].day < today)
            json_array_append_new(expired, json_pack("{s:s, s:o}", "control", w->v[i].control,
                                                     "waiver", waiver_object(w, &w->v[i])));
    return json_pack("{s:o, s:I, s:o}", "file", json_string_lossy(w->file, strlen(w->file)),
                     "entries", (json_int_t)w->n, "expired", expired);
}

void waivers_warn_expired(const struct manual *w, long today, const char *cmd)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].day < today)
            log_warn("%s: %s:%d: the waiver for %s (%s) expired on %s: ignored", cmd, w->file,
                     w->v[i].line, w->v[i].control, w->v[i].target, w->v[i].date);
}

int manual_inputs_load(struct manual_inputs *mi, const struct profile *p, struct diag *d)
{
    int before = d->count;
    mi->today = manual_today();
    if (mi->waivers_path && waivers_load(mi->waivers_path, &mi->waivers, d) == 0)
        manual_check_profile(&mi->waivers, p, 0, d);
    if (mi->evidence_path && evidence_load(mi->evidence_path, &mi->evidence, mi->today, d) == 0)
        manual_check_profile(&mi->evidence, p, 1, d);
    return d->count > before ? -1 : 0;
}

void manual_inputs_apply(const struct manual_inputs *mi, const struct profile *p,
                         const char *url, json_t *results)
{
    evidence_apply(&mi->evidence, p, url, results, mi->today);
    waivers_apply(&mi->waivers, url, results, mi->today);
}

void manual_inputs_to_report(const struct manual_inputs *mi, json_t *report, const char *cmd)
{
    if (mi->waivers_path) {
        json_object_set_new(report, "waivers", waivers_summary(&mi->waivers, mi->today));
        waivers_warn_expired(&mi->waivers, mi->today, cmd);
    }
    if (mi->evidence_path)
        json_object_set_new(report, "evidence",
                            json_pack("{s:o, s:I}", "file",
                                      json_string_lossy(mi->evidence_path,
                                                        strlen(mi->evidence_path)),
                                      "answers", (json_int_t)mi->evidence.n));
}

void manual_inputs_release(struct manual_inputs *mi)
{
    manual_release(&mi->waivers);
    manual_release(&mi->evidence);
}
