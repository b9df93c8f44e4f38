/*
 * html_report_finding.c — the HTML report's vocabulary (statuses, severities and their badges)
 * and the rendering of one result: a full card for a finding, a waiver or an attestation, a
 * table row for a skipped or passed control. Badge words and classes come from the tables here;
 * a report string is only ever escaped text.
 */
#include <string.h>

#include "html_report_int.h"
#include "util.h"

#define OBSERVED_MAX 320    /* bytes of observed value shown inline; all of it is in the fold */
#define RAW_MAX (64 * 1024) /* bytes of raw observed JSON shown in the fold */
#define CELL_MAX 200        /* bytes of evidence in the skipped and passed tables */
#define EVIDENCE_MAX 4096

const struct hr_status hr_statuses[HS_N] = {
    { "fail", "Fail", "fail" },
    { "error", "Error \xE2\x80\x94 not determined", "error" },
    { "warn", "Warning", "warn" },
    { "waived", "Waived \xE2\x80\x94 not verified", "waived" },
    { "attested", "Attested \xE2\x80\x94 not verified", "attested" },
    { "skipped", "Skipped", "skipped" },
    { "pass", "Pass", "pass" },
    { NULL, NULL, "unknown" },
};
const char *const hr_sev_names[SEV_N] = { "critical", "high", "medium", "low", "info", NULL };
const char *const hr_sev_labels[SEV_N] = { "Critical", "High", "Medium", "Low", "Info", "?" };

int hr_status_of(const json_t *r)
{
    const char *s = json_str(r, "status");
    for (int i = 0; s && i < HS_OTHER; i++)
        if (strcmp(s, hr_statuses[i].name) == 0)
            return i;
    return HS_OTHER;
}

int hr_sev_of(const json_t *r)
{
    const char *s = json_str(r, "severity");
    for (int i = 0; s && i < SEV_N - 1; i++)
        if (strcmp(s, hr_sev_names[i]) == 0)
            return i;
    return SEV_N - 1;
}

/* Sort hr_rank: an unrecognised status is treated like an error, something to look at. */
int hr_rank(int status)
{
    return status == HS_OTHER ? HS_ERROR : status;
}

void hr_count_results(const json_t *results, struct counts *c)
{
    size_t i;
    const json_t *r;
    json_array_foreach(results, i, r) {
        int st = hr_status_of(r);
        c->n[st][hr_sev_of(r)]++;
        c->by_status[st]++;
    }
}

void hr_text_of(struct hout *h, const json_t *o, const char *key, const char *dflt)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        hr_escape(h, json_string_value(v), json_string_length(v));
    else if (dflt)
        hr_raw(h, dflt);
}

void hr_wrap_of(struct hout *h, const json_t *o, const char *key, const char *before,
                const char *after)
{
    if (!json_is_string(json_object_get(o, key)))
        return;
    hr_raw(h, before);
    hr_text_of(h, o, key, NULL);
    hr_raw(h, after);
}

void hr_status_badge(struct hout *h, const json_t *r, int st)
{
    hr_raw(h, "<span class=\"badge b-");
    hr_raw(h, hr_statuses[st].cls);
    hr_raw(h, "\">");
    if (hr_statuses[st].badge)
        hr_raw(h, hr_statuses[st].badge);
    else
        hr_text_of(h, r, "status", "unknown");
    hr_raw(h, "</span>");
}

void hr_sev_label(struct hout *h, const json_t *r, int sev)
{
    hr_raw(h, "<span class=\"sev sev-");
    hr_raw(h, sev < SEV_N - 1 ? hr_sev_names[sev] : "unknown");
    hr_raw(h, "\">");
    if (sev < SEV_N - 1)
        hr_raw(h, hr_sev_labels[sev]);
    else
        hr_text_of(h, r, "severity", "?");
    hr_raw(h, "</span>");
}

static void evidence(struct hout *h, const json_t *ev, size_t max)
{
    if (json_is_array(ev) && json_array_size(ev) > 0) {
        size_t i;
        const json_t *e;
        hr_raw(h, "<ul class=\"evidence\">");
        json_array_foreach(ev, i, e) {
            hr_raw(h, "<li>");
            hr_value(h, e, max);
            hr_raw(h, "</li>");
        }
        hr_raw(h, "</ul>");
    } else {
        hr_value(h, json_is_array(ev) ? NULL : ev, max);
    }
}

static void expected(struct hout *h, const json_t *exp)
{
    if (json_is_object(exp) && json_object_size(exp) == 0) {
        hr_raw(h, "<span class=\"muted\">as the check defines</span>");
        return;
    }
    if (!json_is_object(exp)) {
        hr_value(h, exp, OBSERVED_MAX);
        return;
    }
    const char *key;
    const json_t *val;
    int first = 1;
    json_object_foreach((json_t *)exp, key, val) {
        hr_raw(h, first ? "<code>" : "<br><code>");
        hr_text(h, key);
        hr_raw(h, "</code>: ");
        hr_value(h, val, OBSERVED_MAX);
        first = 0;
    }
}

static void waiver_rows(struct hout *h, const json_t *w)
{
    const char *key;
    const json_t *val;
    if (!json_is_object(w))
        return;
    hr_raw(h, "<tr><th>Waiver</th><td>");
    int first = 1;
    json_object_foreach((json_t *)w, key, val) {
        if (!first)
            hr_raw(h, "<br>");
        hr_text(h, key);
        hr_raw(h, ": ");
        hr_value(h, val, OBSERVED_MAX);
        first = 0;
    }
    if (first)
        hr_raw(h, "<span class=\"muted\">no details recorded</span>");
    hr_raw(h, "</td></tr>\n");
}

void hr_finding(struct hout *h, const struct item *it)
{
    const json_t *r = it->r;
    const json_t *obs = json_object_get(r, "observed");
    int st = it->status;
    hr_raw(h, "<article class=\"finding f-");
    hr_raw(h, hr_statuses[st].cls);
    hr_raw(h, "\">\n<header>");
    hr_status_badge(h, r, st);
    hr_sev_label(h, r, it->sev);
    hr_raw(h, "<span class=\"ctl\">");
    hr_text_of(h, r, "control", "?");
    hr_raw(h, "</span><h3>");
    hr_text_of(h, r, "title", "(untitled control)");
    hr_raw(h, "</h3></header>\n");
    if (st == HS_WAIVED)
        hr_raw(h, "<p class=\"notice\">Waived \xE2\x80\x94 not verified. This control is accepted "
                  "on the strength of the waiver below, not on anything this scan observed.</p>\n");
    else if (st == HS_ATTESTED)
        hr_raw(h, "<p class=\"notice\">Attested \xE2\x80\x94 not verified. This control rests on "
                  "evidence supplied by the organisation; no probe can check it.</p>\n");
    hr_raw(h, "<table><tbody>\n<tr><th>Expected</th><td>");
    expected(h, json_object_get(r, "expected"));
    hr_raw(h, "</td></tr>\n<tr><th>Observed</th><td>");
    hr_value(h, obs, OBSERVED_MAX);
    hr_raw(h, "</td></tr>\n");
    waiver_rows(h, json_object_get(r, "waiver"));
    hr_raw(h, "<tr><th>Maps to</th><td>");
    if (!hr_refs(h, json_object_get(r, "refs")))
        hr_raw(h, "<span class=\"muted\">no framework reference</span>");
    hr_raw(h, "</td></tr>\n");
    hr_wrap_of(h, r, "check", "<tr><th>Check</th><td><code>", "</code></td></tr>\n");
    hr_raw(h, "</tbody></table>\n");
    hr_raw(h, "<details open>"); /* the basis of the result, waiver or attestation */
    hr_raw(h, "<summary>Evidence</summary>\n<div class=\"ev\">");
    evidence(h, json_object_get(r, "evidence"), EVIDENCE_MAX);
    hr_raw(h, "</div>\n</details>\n");
    if (json_is_object(obs) || json_is_array(obs)) {
        hr_raw(h, "<details><summary>Raw observed JSON</summary>\n");
        hr_value_pre(h, obs, RAW_MAX);
        hr_raw(h, "</details>\n");
    }
    if (json_str(r, "remediation")) {
        hr_raw(h, "<h4>Remediation</h4>\n<p class=\"remediation\">");
        hr_prose(h, json_str(r, "remediation"));
        hr_raw(h, "</p>\n");
    }
    hr_raw(h, "</article>\n");
}

void hr_brief_row(struct hout *h, const struct item *it)
{
    const json_t *r = it->r;
    hr_raw(h, "<tr><td class=\"ctl\">");
    hr_text_of(h, r, "control", "?");
    hr_raw(h, "</td><td>");
    hr_text_of(h, r, "title", "");
    hr_raw(h, "</td><td>");
    hr_sev_label(h, r, it->sev);
    hr_raw(h, "</td><td>");
    if (it->status == HS_SKIPPED && json_is_true(json_object_get(r, "attestation")))
        hr_raw(h, "Attestation: ");
    evidence(h, json_object_get(r, "evidence"), CELL_MAX);
    hr_raw(h, "</td><td>");
    hr_refs(h, json_object_get(r, "refs"));
    hr_raw(h, "</td></tr>\n");
}
