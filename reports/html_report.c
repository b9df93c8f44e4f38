/*
 * html_report.c — the canonical JSON report as one self-contained HTML assurance report, for the
 * people who sign off on it (PHO CIOs, the Ministry): a verdict banner in words and colour, the
 * profile and its hash, counts by status and severity, then one section per target with its
 * findings worst first. Waivers and attestations are shown apart from verified results, and
 * passes and skipped controls are folded so the page stays readable.
 *
 * The page is a view of the JSON, which may come from a hostile server by way of a scan, or be a
 * hostile file outright: every report string goes through hr_escape and only into text or quoted
 * attributes; classes and labels come from fixed tables here, never from report strings. There
 * is no script, no URL attribute and no external resource, and a Content-Security-Policy meta
 * forbids them anyway.
 */
#include "html_report.h"

#include <stdlib.h>
#include <string.h>

#include "html_report_int.h"
#include "util.h"

static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    if (hr_rank(x->status) != hr_rank(y->status))
        return hr_rank(x->status) - hr_rank(y->status);
    if (x->sev != y->sev)
        return x->sev - y->sev;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Verdicts: fixed class, mark and word; the explanation is chosen by the caller. */
static const struct {
    const char *name, *cls, *mark, *word;
} verdicts[] = {
    { "compliant", "v-compliant", "\xE2\x9C\x93", "Compliant" },
    { "non-compliant", "v-non-compliant", "\xE2\x9C\x97", "Non-compliant" },
    { "incomplete", "v-incomplete", "!", "Incomplete" },
    { "unreachable", "v-unreachable", "\xE2\x80\x93", "Unreachable" },
};
enum { V_N = sizeof verdicts / sizeof verdicts[0] };

static int verdict_of(const json_t *o)
{
    const char *v = json_str(o, "verdict");
    for (int i = 0; v && i < V_N; i++)
        if (strcmp(v, verdicts[i].name) == 0)
            return i;
    return -1;
}

static void verdict_word(struct hout *h, const json_t *o, int v)
{
    if (v >= 0)
        hr_raw(h, verdicts[v].word);
    else
        hr_text_of(h, o, "verdict", "Unknown");
}

void hr_verdict_badge(struct hout *h, const json_t *o)
{
    int v = verdict_of(o);
    hr_raw(h, "<span class=\"badge ");
    hr_raw(h, v >= 0 ? verdicts[v].cls : "v-unknown");
    hr_raw(h, "\">");
    if (v >= 0) {
        hr_raw(h, verdicts[v].mark);
        hr_raw(h, " ");
    }
    verdict_word(h, o, v);
    hr_raw(h, "</span>");
}

static void count_cell(struct hout *h, long n)
{
    hr_raw(h, n ? "<td class=\"n\">" : "<td class=\"n zero\">");
    hr_int(h, n);
    hr_raw(h, "</td>");
}

static void head(struct hout *h, const json_t *rep)
{
    const json_t *prof = json_object_get(rep, "profile");
    int v = verdict_of(rep);
    hr_raw(h, "<!DOCTYPE html>\n<html lang=\"en-NZ\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
              "<meta name=\"referrer\" content=\"no-referrer\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"cocscan\">\n<title>");
    verdict_word(h, rep, v);
    hr_raw(h, " \xE2\x80\x94 code of connection assurance report \xE2\x80\x94 ");
    hr_text_of(h, prof, "id", "unknown profile");
    hr_raw(h, "</title>\n<style>\n");
    hr_raw(h, hr_css);
    hr_raw(h, "</style>\n</head>\n<body>\n");
}

static void banner(struct hout *h, const json_t *rep, const json_t *targets)
{
    long nv[V_N + 1] = { 0 };
    size_t i, total = json_array_size(targets);
    const json_t *t;
    json_array_foreach(targets, i, t) {
        int tv = verdict_of(t);
        nv[tv >= 0 ? tv : V_N]++;
    }
    int v = verdict_of(rep);
    hr_raw(h, "<section class=\"banner ");
    hr_raw(h, v >= 0 ? verdicts[v].cls : "v-unknown");
    hr_raw(h, "\" aria-label=\"Overall verdict\">\n<span class=\"mark\" aria-hidden=\"true\">");
    hr_raw(h, v >= 0 ? verdicts[v].mark : "?");
    hr_raw(h, "</span><div><span class=\"word\">");
    verdict_word(h, rep, v);
    hr_raw(h, "</span><p>");
    hr_int(h, nv[0]);
    hr_raw(h, " of ");
    hr_int(h, (long long)total);
    hr_raw(h, total == 1 ? " target" : " targets");
    hr_raw(h, " compliant; ");
    hr_int(h, nv[1]);
    hr_raw(h, " non-compliant, ");
    hr_int(h, nv[2]);
    hr_raw(h, " incomplete, ");
    hr_int(h, nv[3]);
    hr_raw(h, " unreachable. A target is non-compliant when a control of severity ");
    hr_text_of(h, rep, "fail_on", "low");
    hr_raw(h, " or above fails.</p></div>\n</section>\n");
}

/* Expired waivers are ignored by the judgement, and said so where a reader looks first. */
static void expired_waivers(struct hout *h, const json_t *expired)
{
    size_t i;
    const json_t *x;
    if (json_array_size(expired) == 0)
        return;
    hr_raw(h, "<section class=\"notice\"><h2>Expired waivers \xE2\x80\x94 ignored</h2>\n"
              "<table><thead><tr><th>Control</th><th>Targets</th><th>Expired</th><th>Approved by"
              "</th><th>Reason</th><th>Where</th></tr></thead><tbody>\n");
    json_array_foreach(expired, i, x) {
        const json_t *w = json_object_get(x, "waiver");
        hr_raw(h, "<tr><td class=\"mono\">");
        hr_text_of(h, x, "control", "?");
        hr_raw(h, "</td><td class=\"mono\">");
        hr_text_of(h, w, "target", "?");
        hr_raw(h, "</td><td>");
        hr_text_of(h, w, "expires", "?");
        hr_raw(h, "</td><td>");
        hr_text_of(h, w, "approved_by", "");
        hr_raw(h, "</td><td>");
        hr_text_of(h, w, "reason", "");
        hr_raw(h, "</td><td class=\"mono\">");
        hr_text_of(h, w, "source", "");
        hr_raw(h, "</td></tr>\n");
    }
    hr_raw(h, "</tbody></table></section>\n");
}

static void meta_table(struct hout *h, const json_t *rep)
{
    const json_t *prof = json_object_get(rep, "profile");
    const json_t *tool = json_object_get(rep, "tool");
    hr_raw(h, "<table class=\"meta\"><tbody>\n<tr><th>Profile</th><td>");
    hr_text_of(h, prof, "title", "");
    hr_raw(h, "<br><span class=\"mono\">");
    hr_text_of(h, prof, "id", "?");
    hr_raw(h, "</span> version ");
    hr_text_of(h, prof, "version", "?");
    hr_wrap_of(h, prof, "source", " <span class=\"muted\">(", ")</span>");
    hr_raw(h, "</td></tr>\n<tr><th>Profile SHA-256</th><td><code>");
    hr_text_of(h, prof, "sha256", "not recorded");
    hr_raw(h, "</code></td></tr>\n<tr><th>Scan started</th><td>");
    hr_text_of(h, rep, "started_at", "not recorded");
    hr_raw(h, "</td></tr>\n<tr><th>Scan finished</th><td>");
    hr_text_of(h, rep, "finished_at", "not recorded");
    hr_raw(h, "</td></tr>\n<tr><th>Failure threshold</th><td>severity ");
    hr_text_of(h, rep, "fail_on", "low");
    hr_raw(h, " and above</td></tr>\n<tr><th>Scanner</th><td>");
    hr_text_of(h, tool, "name", "cocscan");
    hr_raw(h, " ");
    hr_text_of(h, tool, "version", "");
    hr_raw(h, "</td></tr>\n");
    const json_t *w = json_object_get(rep, "waivers"), *ev = json_object_get(rep, "evidence");
    if (json_is_object(w)) {
        hr_raw(h, "<tr><th>Waivers</th><td><span class=\"mono\">");
        hr_text_of(h, w, "file", "?");
        hr_raw(h, "</span>: ");
        hr_int(h, json_integer_value(json_object_get(w, "entries")));
        hr_raw(h, " entries, ");
        hr_int(h, (long long)json_array_size(json_object_get(w, "expired")));
        hr_raw(h, " expired (ignored)</td></tr>\n");
    }
    if (json_is_object(ev)) {
        hr_raw(h, "<tr><th>Evidence</th><td><span class=\"mono\">");
        hr_text_of(h, ev, "file", "?");
        hr_raw(h, "</span>: ");
        hr_int(h, json_integer_value(json_object_get(ev, "answers")));
        hr_raw(h, " answers (attested, not verified)</td></tr>\n");
    }
    hr_raw(h, "</tbody></table>\n");
    expired_waivers(h, json_object_get(w, "expired"));
}

static void summary_tables(struct hout *h, const struct counts *c)
{
    hr_raw(h, "<div class=\"grid\">\n<table id=\"by-status\"><thead><tr><th>Results by status"
              "</th><th class=\"n\">Count</th></tr></thead><tbody>\n");
    for (int st = 0; st < HS_N; st++) {
        if (st == HS_OTHER && c->by_status[st] == 0)
            continue;
        hr_raw(h, "<tr><th>");
        hr_raw(h, st == HS_OTHER ? "Other" : hr_statuses[st].badge);
        hr_raw(h, "</th>");
        count_cell(h, c->by_status[st]);
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n<table id=\"by-severity\"><thead><tr><th>Severity</th>"
              "<th class=\"n\">Fail</th><th class=\"n\">Error</th><th class=\"n\">Warn</th>"
              "</tr></thead><tbody>\n");
    for (int s = 0; s < SEV_N; s++) {
        if (s == SEV_N - 1 && !c->n[HS_FAIL][s] && !c->n[HS_ERROR][s] && !c->n[HS_WARN][s])
            continue;
        hr_raw(h, "<tr><th>");
        hr_raw(h, s == SEV_N - 1 ? "Other" : hr_sev_labels[s]);
        hr_raw(h, "</th>");
        count_cell(h, c->n[HS_FAIL][s]);
        count_cell(h, c->n[HS_ERROR][s] + c->n[HS_OTHER][s]);
        count_cell(h, c->n[HS_WARN][s]);
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n</div>\n");
}

static void target_name(struct hout *h, const json_t *t)
{
    if (json_str(t, "name"))
        hr_text_of(h, t, "name", NULL);
    else
        hr_text_of(h, t, "url", "(no URL)");
}

static void target_index(struct hout *h, const json_t *targets)
{
    size_t i;
    const json_t *t;
    hr_raw(h, "<h4>Targets</h4>\n<table id=\"targets\"><thead><tr><th>Target</th><th>Verdict"
              "</th><th class=\"n\">Fail</th><th class=\"n\">Error</th><th class=\"n\">Warn"
              "</th><th class=\"n\">Pass</th></tr></thead><tbody>\n");
    json_array_foreach(targets, i, t) {
        struct counts c = { 0 };
        hr_count_results(json_object_get(t, "results"), &c);
        hr_raw(h, "<tr><td>");
        target_name(h, t);
        hr_raw(h, "<br><span class=\"url muted\">");
        hr_text_of(h, t, "url", "");
        hr_raw(h, "</span></td><td>");
        hr_verdict_badge(h, t);
        hr_raw(h, "</td>");
        count_cell(h, c.by_status[HS_FAIL]);
        count_cell(h, c.by_status[HS_ERROR] + c.by_status[HS_OTHER]);
        count_cell(h, c.by_status[HS_WARN]);
        count_cell(h, c.by_status[HS_PASS]);
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n");
}

static void fold_open(struct hout *h, long n, const char *what)
{
    hr_raw(h, "<details class=\"fold\"><summary>");
    hr_int(h, n);
    hr_raw(h, n == 1 ? " control " : " controls ");
    hr_raw(h, what);
    hr_raw(h, "</summary>\n<table><thead><tr><th>Control</th><th>Title</th><th>Severity</th>"
              "<th>");
    hr_raw(h, strcmp(what, "passed") == 0 ? "Evidence" : "Reason");
    hr_raw(h, "</th><th>Maps to</th></tr></thead><tbody>\n");
}

/* Which part of a target section a result goes in: findings, waived/attested, skipped, passed. */
static int group_of(int st)
{
    if (st == HS_PASS)
        return 3;
    if (st == HS_SKIPPED)
        return 2;
    if (st == HS_WAIVED || st == HS_ATTESTED)
        return 1;
    return 0;
}

static void group_open(struct hout *h, int g, const struct counts *c)
{
    if (g == 1)
        hr_raw(h, "<h4>Waived and attested \xE2\x80\x94 not verified by this scan</h4>\n");
    else if (g == 2)
        fold_open(h, c->by_status[HS_SKIPPED], "not assessed (skipped)");
    else if (g == 3)
        fold_open(h, c->by_status[HS_PASS], "passed");
}

static void results_section(struct hout *h, const struct item *items, size_t n,
                            const struct counts *c)
{
    int g = 0;
    hr_raw(h, "<h4>Findings</h4>\n");
    if (n == 0 || group_of(items[0].status) != 0)
        hr_raw(h, "<p class=\"muted\">No failures, errors or warnings.</p>\n");
    for (size_t i = 0; i < n; i++) {
        int ng = group_of(items[i].status);
        if (ng != g) {
            if (g >= 2)
                hr_raw(h, "</tbody></table></details>\n");
            group_open(h, ng, c);
            g = ng;
        }
        if (g >= 2)
            hr_brief_row(h, &items[i]);
        else
            hr_finding(h, &items[i]);
    }
    if (g >= 2)
        hr_raw(h, "</tbody></table></details>\n");
}

static void target_section(struct hout *h, const json_t *t, size_t no, size_t total)
{
    const json_t *results = json_object_get(t, "results");
    size_t n = json_array_size(results);
    struct counts c = { 0 };
    struct item *items = calloc(n ? n : 1, sizeof *items);
    if (!items) {
        h->err = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        items[i].r = json_array_get(results, i);
        items[i].status = hr_status_of(items[i].r);
        items[i].sev = hr_sev_of(items[i].r);
        items[i].idx = i;
    }
    qsort(items, n, sizeof *items, item_cmp);
    hr_count_results(results, &c);

    hr_raw(h, "<section class=\"target\">\n<div class=\"target-head\"><div>"
              "<p class=\"muted\">Target ");
    hr_int(h, (long long)no);
    hr_raw(h, " of ");
    hr_int(h, (long long)total);
    hr_raw(h, "</p><h2>");
    target_name(h, t);
    hr_raw(h, "</h2>\n");
    hr_wrap_of(h, t, "organisation", "<p>", "</p>\n");
    hr_raw(h, "<p class=\"url\">");
    hr_text_of(h, t, "url", "(no URL)");
    hr_raw(h, "</p></div>\n<div>");
    hr_verdict_badge(h, t);
    hr_raw(h, "</div></div>\n<p class=\"chips\">");
    for (int st = 0; st < HS_N; st++) {
        if (!c.by_status[st])
            continue;
        hr_raw(h, "<span class=\"badge b-");
        hr_raw(h, hr_statuses[st].cls);
        hr_raw(h, "\">");
        hr_int(h, c.by_status[st]);
        hr_raw(h, " ");
        hr_raw(h, st == HS_OTHER ? "other" : hr_statuses[st].name);
        hr_raw(h, "</span>");
    }
    hr_raw(h, "</p>\n");
    if (c.by_status[HS_FAIL]) {
        hr_raw(h, "<p class=\"muted\">Failed controls by severity:");
        for (int s = 0; s < SEV_N; s++) {
            if (!c.n[HS_FAIL][s])
                continue;
            hr_raw(h, " ");
            hr_int(h, c.n[HS_FAIL][s]);
            hr_raw(h, " ");
            hr_raw(h, s == SEV_N - 1 ? "other" : hr_sev_names[s]);
        }
        hr_raw(h, "</p>\n");
    }
    hr_wrap_of(h, t, "error", "<p class=\"notice\">Not scanned: ", "</p>\n");
    results_section(h, items, n, &c);
    hr_raw(h, "</section>\n");
    free(items);
}

char *report_to_html(const json_t *report, size_t *len)
{
    struct hout h = { STRBUF_INIT, 0 };
    const json_t *targets = json_object_get(report, "targets");
    struct counts all = { 0 };
    size_t i, n = json_array_size(targets);
    const json_t *t;
    if (!json_is_object(report))
        return NULL;
    json_array_foreach(targets, i, t)
        hr_count_results(json_object_get(t, "results"), &all);

    head(&h, report);
    hr_raw(&h, "<header class=\"doc-head\"><p class=\"kicker\">Code of connection \xE2\x80\x94 "
               "assurance report</p><h1>");
    hr_text_of(&h, json_object_get(report, "profile"), "title", "Security assurance report");
    hr_raw(&h, "</h1></header>\n");
    banner(&h, report, targets);
    meta_table(&h, report);
    summary_tables(&h, &all);
    if (n > 1)
        target_index(&h, targets);
    json_array_foreach(targets, i, t)
        target_section(&h, t, i + 1, n);
    hr_raw(&h, "<footer>Rendered from the canonical JSON report");
    hr_wrap_of(&h, report, "schema", " (", ")");
    hr_raw(&h, ", which remains the record. Waived and attested results were not verified by a "
               "scan.</footer>\n</body>\n</html>\n");
    if (h.err) {
        strbuf_release(&h.sb);
        return NULL;
    }
    return strbuf_detach(&h.sb, len);
}

int report_write_html(const json_t *report, FILE *out, struct coc_error *e)
{
    size_t len = 0;
    int rc = -1;
    char *html = report_to_html(report, &len);
    if (!html) {
        coc_fail(e, "HTML report: %s",
                 json_is_object(report) ? "out of memory" : "the report is not a JSON object");
        goto out;
    }
    if (fwrite(html, 1, len, out) != len || fflush(out) != 0) {
        coc_fail(e, "HTML report: write failed");
        goto out;
    }
    rc = 0;
out:
    free(html);
    return rc;
}
