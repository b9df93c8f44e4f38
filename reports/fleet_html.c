/*
 * fleet_html.c — the fleet document as one self-contained HTML page for the people who answer
 * for many endpoints (a PHO CIO, the Ministry): the fleet verdict, any warning about inputs
 * that cannot be compared as they stand, totals, one row per organisation, every target worst
 * first, then the targets × controls matrix with each status in words as well as colour.
 *
 * It shares the assurance report's output primitives and stylesheet (html_report_int.h): every
 * string of the fleet document — target names, organisations, control titles, file names, all
 * of it from reports that may be hostile — reaches the page through hr_escape, and only into
 * text or quoted attributes; classes and words come from fixed tables. No script, no URL
 * attribute, no external resource, and the same Content-Security-Policy meta as the report.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "html_report_int.h"

/* What the fleet page adds to the report stylesheet: the matrix and the warnings box. */
static const char fleet_css[] =
    "body.fleet{max-width:96rem}\n"
    ".fleet td.n,.fleet th.n{width:auto;white-space:nowrap}\n"
    ".fleet thead th{white-space:nowrap}\n"
    ".fleet td.ctl{white-space:nowrap}\n"
    ".warnings{border:2px solid var(--warn);background:var(--warn-bg);color:var(--warn);"
    "border-radius:6px;padding:.6rem 1rem;margin:1rem 0}\n"
    ".warnings ul{margin:.2rem 0;padding-left:1.2rem}\n"
    ".matrix-wrap{overflow-x:auto;border:1px solid var(--rule);border-radius:4px;"
    "margin:.4rem 0 1rem}\n"
    "table.matrix{width:auto;margin:0;font-size:.8rem}\n"
    "table.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;"
    "text-transform:none;letter-spacing:0;font-size:.72rem;padding:.4rem .2rem;"
    "vertical-align:bottom;text-align:left}\n"
    "table.matrix th.row{white-space:nowrap;position:sticky;left:0;background:var(--bg);"
    "font-weight:500}\n"
    "table.matrix td.m{text-align:center;padding:.2rem .2rem}\n"
    "table.matrix td.m .badge{font-size:.6rem;padding:0 .25rem;letter-spacing:.02em}\n"
    "td.none{color:#98a2b3;text-align:center}\n";

/* Matrix cells: a status's short word; the class comes from hr_statuses. */
static const struct {
    const char *status, *word;
    int hs;
} cells[] = {
    { "fail", "fail", HS_FAIL },        { "error", "error", HS_ERROR },
    { "warn", "warn", HS_WARN },        { "waived", "waived", HS_WAIVED },
    { "attested", "attest", HS_ATTESTED }, { "skipped", "skip", HS_SKIPPED },
    { "pass", "pass", HS_PASS },
};
enum { CELL_N = sizeof cells / sizeof cells[0] };

/* The fleet banner: verdict, class, mark, word (the target badges are hr_verdict_badge's). */
static const char *const verdict_cls[][4] = {
    { "compliant", "v-compliant", "\xE2\x9C\x93", "Every target compliant" },
    { "non-compliant", "v-non-compliant", "\xE2\x9C\x97", "Non-compliant targets" },
    { "incomplete", "v-incomplete", "!", "Incomplete" },
    { "unreachable", "v-unreachable", "\xE2\x80\x93", "Nothing scanned" },
};

static const char *const sev_keys[] = { "critical", "high", "medium", "low", "info" };
enum { SEVK_N = sizeof sev_keys / sizeof sev_keys[0] };

static long long num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static void cell(struct hout *h, long long n)
{
    hr_raw(h, n ? "<td class=\"n\">" : "<td class=\"n zero\">");
    hr_int(h, n);
    hr_raw(h, "</td>");
}

static void target_label(struct hout *h, const json_t *t)
{
    if (json_is_string(json_object_get(t, "name")))
        hr_text_of(h, t, "name", NULL);
    else
        hr_text_of(h, t, "url", "(no URL)");
}

static void head(struct hout *h, const json_t *fleet)
{
    const json_t *tot = json_object_get(fleet, "totals");
    hr_raw(h, "<!DOCTYPE html>\n<html lang=\"en-NZ\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
              "<meta name=\"referrer\" content=\"no-referrer\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"cocscan\">\n<title>Fleet \xE2\x80\x94 ");
    hr_int(h, num(tot, "targets"));
    hr_raw(h, num(tot, "targets") == 1 ? " target" : " targets");
    hr_raw(h, " \xE2\x80\x94 code of connection assurance</title>\n<style>\n");
    hr_raw(h, hr_css);
    hr_raw(h, fleet_css);
    hr_raw(h, "</style>\n</head>\n<body class=\"fleet\">\n");
}

static void banner(struct hout *h, const json_t *fleet)
{
    const json_t *tot = json_object_get(fleet, "totals");
    const json_t *v = json_object_get(tot, "verdicts");
    const char *verdict = json_string_value(json_object_get(fleet, "verdict"));
    int k = -1;
    for (int i = 0; verdict && i < 4; i++)
        if (strcmp(verdict, verdict_cls[i][0]) == 0)
            k = i;
    hr_raw(h, "<section class=\"banner ");
    hr_raw(h, k >= 0 ? verdict_cls[k][1] : "v-unknown");
    hr_raw(h, "\" aria-label=\"Fleet verdict\">\n<span class=\"mark\" aria-hidden=\"true\">");
    hr_raw(h, k >= 0 ? verdict_cls[k][2] : "?");
    hr_raw(h, "</span><div><span class=\"word\">");
    hr_raw(h, k >= 0 ? verdict_cls[k][3] : "Unknown");
    hr_raw(h, "</span><p>");
    hr_int(h, num(v, "compliant"));
    hr_raw(h, " of ");
    hr_int(h, num(tot, "targets"));
    hr_raw(h, num(tot, "targets") == 1 ? " target" : " targets");
    hr_raw(h, " compliant; ");
    hr_int(h, num(v, "non-compliant"));
    hr_raw(h, " non-compliant, ");
    hr_int(h, num(v, "incomplete"));
    hr_raw(h, " incomplete, ");
    hr_int(h, num(v, "unreachable"));
    hr_raw(h, " unreachable, from ");
    hr_int(h, (long long)json_array_size(json_object_get(fleet, "sources")));
    hr_raw(h, json_array_size(json_object_get(fleet, "sources")) == 1 ? " report." : " reports.");
    hr_raw(h, " Each target keeps the verdict its own report gave it.</p></div>\n</section>\n");
}

static void warnings(struct hout *h, const json_t *fleet)
{
    const json_t *list = json_object_get(fleet, "warnings");
    size_t i;
    const json_t *w;
    if (json_array_size(list) == 0)
        return;
    hr_raw(h, "<section class=\"warnings\" role=\"alert\"><strong>");
    hr_raw(h, json_is_true(json_object_get(fleet, "profiles_differ"))
                  ? "Read with care \xE2\x80\x94 the inputs were judged under different "
                    "profiles"
                  : "Read with care");
    hr_raw(h, "</strong>\n<ul>\n");
    json_array_foreach(list, i, w) {
        hr_raw(h, "<li>");
        hr_value(h, w, 4096);
        hr_raw(h, "</li>\n");
    }
    hr_raw(h, "</ul>\n</section>\n");
}

static void sources(struct hout *h, const json_t *fleet)
{
    size_t i;
    const json_t *s;
    hr_raw(h, "<h4>Reports merged</h4>\n<table id=\"sources\"><thead><tr><th class=\"n\">#</th>"
              "<th>File</th><th>Profile</th><th>Profile SHA-256</th><th>Scan started</th>"
              "<th>Scanner</th><th class=\"n\">Targets</th></tr></thead><tbody>\n");
    json_array_foreach(json_object_get(fleet, "sources"), i, s) {
        const json_t *p = json_object_get(s, "profile");
        hr_raw(h, "<tr><td class=\"n\">");
        hr_int(h, (long long)i + 1);
        hr_raw(h, "</td><td class=\"mono\">");
        hr_text_of(h, s, "file", "");
        hr_raw(h, "</td><td><span class=\"mono\">");
        hr_text_of(h, p, "id", "?");
        hr_raw(h, "</span> ");
        hr_text_of(h, p, "version", "");
        hr_raw(h, "</td><td><code>");
        hr_text_of(h, p, "sha256", "not recorded");
        hr_raw(h, "</code></td><td>");
        hr_text_of(h, s, "started_at", "not recorded");
        hr_raw(h, "</td><td>");
        hr_text_of(h, json_object_get(s, "tool"), "name", "?");
        hr_raw(h, " ");
        hr_text_of(h, json_object_get(s, "tool"), "version", "");
        hr_raw(h, "</td>");
        cell(h, num(s, "targets"));
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n");
}

static void status_totals(struct hout *h, const json_t *tot)
{
    const json_t *res = json_object_get(tot, "results");
    const json_t *failed = json_object_get(tot, "failed_by_severity");
    hr_raw(h, "<div class=\"grid\">\n<table id=\"by-status\"><thead><tr><th>Results by status"
              "</th><th class=\"n\">Count</th></tr></thead><tbody>\n");
    for (int c = 0; c < CELL_N; c++) {
        hr_raw(h, "<tr><th>");
        hr_raw(h, hr_statuses[cells[c].hs].badge);
        hr_raw(h, "</th>");
        cell(h, num(res, cells[c].status));
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n<table id=\"failed-by-severity\"><thead><tr><th>Failures by "
              "severity</th><th class=\"n\">Count</th></tr></thead><tbody>\n");
    for (int s = 0; s < SEVK_N; s++) {
        hr_raw(h, "<tr><th>");
        hr_raw(h, hr_sev_labels[s]);
        hr_raw(h, "</th>");
        cell(h, num(failed, sev_keys[s]));
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n</div>\n");
}

static void organisations(struct hout *h, const json_t *tot)
{
    size_t i;
    const json_t *o;
    hr_raw(h, "<h4>By organisation</h4>\n<table id=\"organisations\"><thead><tr>"
              "<th>Organisation</th><th class=\"n\">Targets</th><th class=\"n\">Compliant</th>"
              "<th class=\"n\">Non-compliant</th><th class=\"n\">Incomplete</th>"
              "<th class=\"n\">Unreachable</th><th class=\"n\">Critical fails</th>"
              "<th class=\"n\">High fails</th><th class=\"n\">Other fails</th></tr></thead>"
              "<tbody>\n");
    json_array_foreach(json_object_get(tot, "organisations"), i, o) {
        const json_t *v = json_object_get(o, "verdicts");
        const json_t *f = json_object_get(o, "failed_by_severity");
        hr_raw(h, "<tr><th>");
        hr_text_of(h, o, "name", "<span class=\"muted\">(no organisation)</span>");
        hr_raw(h, "</th>");
        cell(h, num(o, "targets"));
        cell(h, num(v, "compliant"));
        cell(h, num(v, "non-compliant"));
        cell(h, num(v, "incomplete"));
        cell(h, num(v, "unreachable"));
        cell(h, num(f, "critical"));
        cell(h, num(f, "high"));
        cell(h, num(f, "medium") + num(f, "low") + num(f, "info"));
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n");
}

static void targets(struct hout *h, const json_t *fleet)
{
    size_t i;
    const json_t *t;
    hr_raw(h, "<h4>Targets, worst first</h4>\n<table id=\"targets\"><thead><tr>"
              "<th class=\"n\">#</th><th>Target</th><th>Verdict</th><th class=\"n\">Critical"
              "</th><th class=\"n\">High</th><th class=\"n\">Medium</th><th class=\"n\">Low"
              "</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th>"
              "<th class=\"n\">Passed</th><th class=\"n\">Input</th></tr></thead><tbody>\n");
    json_array_foreach(json_object_get(fleet, "targets"), i, t) {
        const json_t *f = json_object_get(t, "failed_by_severity");
        const json_t *r = json_object_get(t, "results");
        hr_raw(h, "<tr><td class=\"n\">");
        hr_int(h, (long long)i + 1);
        hr_raw(h, "</td><td>");
        target_label(h, t);
        hr_wrap_of(h, t, "organisation", " <span class=\"muted\">\xE2\x80\x94 ", "</span>");
        if (json_is_string(json_object_get(t, "name")))
            hr_wrap_of(h, t, "url", "<br><span class=\"mono muted\">", "</span>");
        hr_wrap_of(h, t, "error", "<br><span class=\"notice\">Not scanned: ", "</span>");
        hr_raw(h, "</td><td>");
        hr_verdict_badge(h, t);
        hr_raw(h, "</td>");
        cell(h, num(f, "critical"));
        cell(h, num(f, "high"));
        cell(h, num(f, "medium"));
        cell(h, num(f, "low") + num(f, "info"));
        cell(h, num(r, "error"));
        cell(h, num(r, "warn"));
        cell(h, num(r, "pass"));
        cell(h, num(t, "source") + 1);
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n");
}

static void matrix_cell(struct hout *h, const json_t *status)
{
    const char *s = json_string_value(status);
    if (!s) {
        hr_raw(h, "<td class=\"none\" title=\"not assessed\">\xE2\x80\x94</td>");
        return;
    }
    for (int c = 0; c < CELL_N; c++) {
        if (strcmp(s, cells[c].status) != 0)
            continue;
        hr_raw(h, "<td class=\"m\"><span class=\"badge b-");
        hr_raw(h, hr_statuses[cells[c].hs].cls);
        hr_raw(h, "\">");
        hr_raw(h, cells[c].word);
        hr_raw(h, "</span></td>");
        return;
    }
    hr_raw(h, "<td class=\"m\"><span class=\"badge b-unknown\">");
    hr_text_cut(h, s, strlen(s), 16);
    hr_raw(h, "</span></td>");
}

static void matrix(struct hout *h, const json_t *fleet)
{
    const json_t *ctl = json_object_get(fleet, "controls");
    const json_t *rows = json_object_get(fleet, "matrix");
    const json_t *tl = json_object_get(fleet, "targets");
    size_t i, j;
    const json_t *c, *row;
    hr_raw(h, "<h4>Targets \xC3\x97 controls</h4>\n<p class=\"muted\">Each cell is the control's "
              "status for the target; \xE2\x80\x94 means the target's profile did not include "
              "the control. Targets worst first.</p>\n<div class=\"matrix-wrap\">"
              "<table class=\"matrix\" id=\"matrix\"><thead><tr><th>Target</th>");
    json_array_foreach(ctl, j, c) {
        hr_raw(h, "<th class=\"col\" title=\"");
        hr_text_of(h, c, "title", "");
        hr_raw(h, "\">");
        hr_text_of(h, c, "id", "?");
        hr_raw(h, "</th>");
    }
    hr_raw(h, "</tr></thead><tbody>\n");
    json_array_foreach(rows, i, row) {
        const json_t *cells_of = json_object_get(row, "controls");
        hr_raw(h, "<tr><th class=\"row\" title=\"");
        hr_text_of(h, row, "url", "");
        hr_raw(h, "\">");
        target_label(h, json_array_get(tl, i));
        hr_raw(h, "</th>");
        json_array_foreach(ctl, j, c) {
            const char *id = json_string_value(json_object_get(c, "id"));
            matrix_cell(h, id ? json_object_get(cells_of, id) : NULL);
        }
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table></div>\n");
}

static void controls(struct hout *h, const json_t *fleet)
{
    size_t i;
    const json_t *c;
    hr_raw(h, "<h4>By control</h4>\n<table id=\"controls\"><thead><tr><th>Control</th>"
              "<th>Title</th><th>Severity</th>");
    for (int k = 0; k < CELL_N; k++) {
        hr_raw(h, "<th class=\"n\">");
        hr_raw(h, cells[k].status);
        hr_raw(h, "</th>");
    }
    hr_raw(h, "</tr></thead><tbody>\n");
    json_array_foreach(json_object_get(fleet, "controls"), i, c) {
        const json_t *res = json_object_get(c, "results");
        int sev = hr_sev_of(c);
        hr_raw(h, "<tr><td class=\"ctl\">");
        hr_text_of(h, c, "id", "?");
        hr_raw(h, "</td><td>");
        hr_text_of(h, c, "title", "");
        hr_raw(h, "</td><td>");
        hr_sev_label(h, c, sev);
        hr_raw(h, "</td>");
        for (int k = 0; k < CELL_N; k++)
            cell(h, num(res, cells[k].status));
        hr_raw(h, "</tr>\n");
    }
    hr_raw(h, "</tbody></table>\n");
}

char *fleet_to_html(const json_t *fleet, size_t *len)
{
    struct hout h = { STRBUF_INIT, 0 };
    if (!json_is_object(fleet))
        return NULL;
    head(&h, fleet);
    hr_raw(&h, "<header class=\"doc-head\"><p class=\"kicker\">Code of connection \xE2\x80\x94 "
               "fleet assurance view</p><h1>");
    hr_int(&h, num(json_object_get(fleet, "totals"), "targets"));
    hr_raw(&h, num(json_object_get(fleet, "totals"), "targets") == 1 ? " target" : " targets");
    hr_raw(&h, "</h1>");
    hr_wrap_of(&h, fleet, "generated_at", "<p class=\"muted\">Merged ", "</p>");
    hr_raw(&h, "</header>\n");
    banner(&h, fleet);
    warnings(&h, fleet);
    status_totals(&h, json_object_get(fleet, "totals"));
    organisations(&h, json_object_get(fleet, "totals"));
    targets(&h, fleet);
    matrix(&h, fleet);
    controls(&h, fleet);
    sources(&h, fleet);
    hr_raw(&h, "<footer>Rendered from the fleet JSON");
    hr_wrap_of(&h, fleet, "schema", " (", ")");
    hr_raw(&h, ", merged from the canonical JSON reports listed above, which remain the record. "
               "Waived and attested results were not verified by a scan.</footer>\n"
               "</body>\n</html>\n");
    if (h.err) {
        strbuf_release(&h.sb);
        return NULL;
    }
    return strbuf_detach(&h.sb, len);
}
