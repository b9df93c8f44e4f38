/* report.c — assembling the canonical JSON report and deriving its verdicts. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "target.h"
#include "util.h"

json_t *report_new(const struct profile *p, enum severity fail_on)
{
    char now[32];
    time_rfc3339(now, sizeof now);
    json_t *prof = json_object();
    json_object_set(prof, "id", json_object_get(p->doc, "profile"));
    json_object_set(prof, "title", json_object_get(p->doc, "title"));
    json_t *ver = json_object_get(p->doc, "version");
    json_object_set_new(prof, "version", ver ? json_incref(ver) : json_null());
    json_object_set_new(prof, "sha256", json_string(p->sha256));
    json_object_set_new(prof, "source", json_string_lossy(p->source, strlen(p->source)));
    json_t *rep = json_object();
    json_object_set_new(rep, "schema", json_string(REPORT_SCHEMA));
    json_object_set_new(rep, "tool", json_pack("{s:s, s:s}", "name", "cocscan", "version",
                                               COC_VERSION));
    json_object_set_new(rep, "started_at", json_string(now));
    json_object_set_new(rep, "finished_at", json_null());
    json_object_set_new(rep, "profile", prof);
    json_object_set_new(rep, "fail_on", json_string(severity_name(fail_on)));
    json_object_set_new(rep, "verdict", json_null());
    json_object_set_new(rep, "summary", json_object());
    json_object_set_new(rep, "targets", json_array());
    return rep;
}

void report_add_target(json_t *rep, const struct target *t, json_t *observations, json_t *results,
                       const char *unreachable)
{
    json_t *tg = json_object();
    json_object_set_new(tg, "url", json_string(t->url));
    if (t->name)
        json_object_set_new(tg, "name", json_string_lossy(t->name, strlen(t->name)));
    if (t->organisation)
        json_object_set_new(tg, "organisation",
                            json_string_lossy(t->organisation, strlen(t->organisation)));
    if (t->source_file)
        json_object_set_new(tg, "source",
                            json_pack("{s:o, s:i}", "file",
                                      json_string_lossy(t->source_file, strlen(t->source_file)),
                                      "line", t->source_line > 0 ? t->source_line : 1));
    json_object_set_new(tg, "verdict", json_null());
    json_object_set_new(tg, "summary", json_object());
    if (unreachable)
        json_object_set_new(tg, "error", json_string_lossy(unreachable, strlen(unreachable)));
    json_object_set_new(tg, "observations", observations);
    json_object_set_new(tg, "results", results);
    json_array_append_new(json_object_get(rep, "targets"), tg);
}

int report_set_last_observations_text(json_t *rep, const char *text)
{
    json_t *targets = json_object_get(rep, "targets");
    json_t *tg = json_array_get(targets, json_array_size(targets) - 1);
    json_t *s = json_stringn_nocheck(text, strlen(text));
    if (!tg || !s || json_object_set_new(tg, REPORT_OBS_TEXT, s) < 0)
        return -1;
    return json_object_set_new(tg, "observations", json_null()); /* same place in key order */
}

static json_t *status_counts(void)
{
    json_t *o = json_object();
    for (int s = 0; s < ST__COUNT; s++)
        json_object_set_new(o, status_name((enum status)s), json_integer(0));
    return o;
}

static json_t *severity_counts(void)
{
    json_t *o = json_object();
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        json_object_set_new(o, severity_name((enum severity)s), json_integer(0));
    return o;
}

static void bump(json_t *counts, const char *key)
{
    json_t *v = json_object_get(counts, key);
    if (v)
        json_integer_set(v, json_integer_value(v) + 1);
}

/* Summarise one target's results; returns its verdict. */
static const char *judge_target(json_t *tg, enum severity fail_on)
{
    json_t *by_status = status_counts(), *failed = severity_counts();
    int blocking_fail = 0, blocking_error = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(tg, "results"), i, r) {
        const char *st = json_string_value(json_object_get(r, "status"));
        enum severity sev = SEV_INFO;
        severity_parse(json_string_value(json_object_get(r, "severity")), &sev);
        bump(by_status, st);
        if (strcmp(st, "fail") == 0) {
            bump(failed, severity_name(sev));
            blocking_fail |= sev >= fail_on;
        } else if (strcmp(st, "error") == 0) {
            blocking_error |= sev >= fail_on;
        }
    }
    json_t *sum = json_object_get(tg, "summary");
    json_object_set_new(sum, "results", by_status);
    json_object_set_new(sum, "failed_by_severity", failed);
    const char *v = json_object_get(tg, "error") ? "unreachable"
                    : blocking_fail              ? "non-compliant"
                    : blocking_error             ? "incomplete"
                                                 : "compliant";
    json_object_set_new(tg, "verdict", json_string(v));
    return v;
}

void report_finish(json_t *rep)
{
    enum severity fail_on = SEV_LOW;
    severity_parse(json_string_value(json_object_get(rep, "fail_on")), &fail_on);
    static const char *const verdicts[] = { "compliant", "non-compliant", "incomplete",
                                            "unreachable" };
    json_t *by_verdict = json_object();
    for (size_t k = 0; k < 4; k++)
        json_object_set_new(by_verdict, verdicts[k], json_integer(0));
    json_t *by_status = status_counts();
    size_t i, n = json_array_size(json_object_get(rep, "targets"));
    json_t *tg;
    json_array_foreach(json_object_get(rep, "targets"), i, tg) {
        bump(by_verdict, judge_target(tg, fail_on));
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(json_object_get(tg, "summary"), "results"), k, v) {
            json_t *acc = json_object_get(by_status, k);
            json_integer_set(acc, json_integer_value(acc) + json_integer_value(v));
        }
    }
    long long nc = json_integer_value(json_object_get(by_verdict, "non-compliant"));
    long long inc = json_integer_value(json_object_get(by_verdict, "incomplete"));
    long long unr = json_integer_value(json_object_get(by_verdict, "unreachable"));
    const char *verdict = n == 0 || (size_t)unr == n ? "unreachable"
                          : nc                       ? "non-compliant"
                          : inc || unr               ? "incomplete"
                                                     : "compliant";
    json_t *sum = json_object_get(rep, "summary");
    json_object_set_new(sum, "targets", json_integer((json_int_t)n));
    json_object_set_new(sum, "verdicts", by_verdict);
    json_object_set_new(sum, "results", by_status);
    json_object_set_new(rep, "verdict", json_string(verdict));
    char now[32];
    time_rfc3339(now, sizeof now);
    json_object_set_new(rep, "finished_at", json_string(now));
}

int report_exit_code(const json_t *rep)
{
    const char *v = json_string_value(json_object_get(rep, "verdict"));
    if (!v || strcmp(v, "unreachable") == 0)
        return 3;
    return strcmp(v, "compliant") == 0 ? 0 : 1;
}

char *report_dump(const json_t *rep)
{
    char *s = json_dumps(rep, REPORT_DUMP_FLAGS);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *out = realloc(s, n + 2);
    if (!out) {
        free(s);
        return NULL;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}
