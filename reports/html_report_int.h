/*
 * html_report_int.h — shared by the HTML report's files only: the output buffer with a sticky
 * error, the one escaping function, and renderers for JSON values and framework references.
 */
#ifndef COC_HTML_REPORT_INT_H
#define COC_HTML_REPORT_INT_H

#include <jansson.h>
#include <stddef.h>

#include "strbuf.h"

/* The page under construction; err is set by the first failed append and stays set. */
struct hout {
    struct strbuf sb;
    int err;
};

/* The stylesheet (reports/html_report_style.c): fixed text, never built from report data. */
extern const char hr_css[];

/* Append trusted markup: string literals of this module only, never report data. */
void hr_raw(struct hout *h, const char *markup);
/* Append a decimal integer. */
void hr_int(struct hout *h, long long v);
/* Append s[0..n) escaped for text and quoted-attribute context: & < > " ' become references,
 * invalid UTF-8, NUL and control characters other than tab/newline become U+FFFD. */
void hr_escape(struct hout *h, const char *s, size_t n);
/* hr_escape of a NUL-terminated string; NULL appends nothing. */
void hr_text(struct hout *h, const char *s);
/* hr_escape of at most max bytes of s[0..n) (cut at a character boundary), "…" if cut. */
void hr_text_cut(struct hout *h, const char *s, size_t n, size_t max);
/* A JSON value as readable text: strings bare, the rest as one-line JSON, cut at max bytes. */
void hr_value(struct hout *h, const json_t *v, size_t max);
/* A JSON value as indented JSON inside <pre>, cut at max bytes. */
void hr_value_pre(struct hout *h, const json_t *v, size_t max);
/* Prose with `code` spans (remediation text): escaped, backtick spans as <code>. */
void hr_prose(struct hout *h, const char *s);
/* A result's refs {framework: id | [ids]} as "NZISM 16.7.42.C.01" chips; 0 if there were none. */
int hr_refs(struct hout *h, const json_t *refs);

/* Statuses in order of what needs action first; the index is the sort rank. */
enum { HS_FAIL, HS_ERROR, HS_WARN, HS_WAIVED, HS_ATTESTED, HS_SKIPPED, HS_PASS, HS_OTHER, HS_N };
enum { SEV_N = 6 }; /* critical, high, medium, low, info, then anything unrecognised */

struct hr_status {
    const char *name;  /* as in the report; NULL for HS_OTHER */
    const char *badge; /* words shown on the badge */
    const char *cls;   /* CSS class suffix */
};
extern const struct hr_status hr_statuses[HS_N];
extern const char *const hr_sev_names[SEV_N];
extern const char *const hr_sev_labels[SEV_N];

/* Results of one target or of the whole report, by status and severity. */
struct counts {
    long n[HS_N][SEV_N];
    long by_status[HS_N];
};

/* A result in display order: by hr_rank of status, then severity, then report order. */
struct item {
    const json_t *r;
    int status, sev;
    size_t idx;
};

/* The HS_* of a result's status string. */
int hr_status_of(const json_t *r);
/* The severity index of a result (SEV_N - 1 if unrecognised). */
int hr_sev_of(const json_t *r);
/* Sort rank of a status: an unrecognised one ranks with errors, as something to look at. */
int hr_rank(int status);
/* Add a results array to c. */
void hr_count_results(const json_t *results, struct counts *c);
/* A string member as escaped text (embedded NULs and all), or dflt as trusted markup. */
void hr_text_of(struct hout *h, const json_t *o, const char *key, const char *dflt);
/* When o[key] is a string: the trusted markup before, it as escaped text, then after. */
void hr_wrap_of(struct hout *h, const json_t *o, const char *key, const char *before,
                const char *after);
/* A status badge: fixed words and class; an unknown status's words are escaped. */
void hr_status_badge(struct hout *h, const json_t *r, int st);
/* A severity label, likewise. */
void hr_sev_label(struct hout *h, const json_t *r, int sev);
/* A verdict badge (o's "verdict": mark, word and class; an unknown verdict's word escaped). */
void hr_verdict_badge(struct hout *h, const json_t *o);
/* One finding as a card: badge, severity, control, expected vs observed, refs, evidence. */
void hr_finding(struct hout *h, const struct item *it);
/* One row of the folded tables of skipped and passed controls. */
void hr_brief_row(struct hout *h, const struct item *it);

#endif
