/*
 * report_text.c — the summary a person reads in a terminal, rendered from the JSON report:
 * per target, failures first and worst first, then a one-line verdict. Server-sourced text is
 * stripped of control characters so a hostile header cannot drive the terminal.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "strbuf.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_MAGENTA "\033[35m"
#define C_DIM "\033[2m"

#define OBSERVED_MAX 96

/* Order in which statuses are listed: what needs action first. */
static int status_rank(const char *s)
{
    static const char *const order[] = { "fail", "error", "warn", "waived",
                                         "attested", "pass", "skipped" };
    for (int i = 0; i < 7; i++)
        if (strcmp(s, order[i]) == 0)
            return i;
    return 7;
}

static int severity_rank(const char *s)
{
    enum severity v = SEV_INFO;
    severity_parse(s ? s : "", &v);
    return (int)v;
}

static int cmp_results(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    int d = status_rank(json_string_value(json_object_get(x, "status"))) -
            status_rank(json_string_value(json_object_get(y, "status")));
    if (d)
        return d;
    d = severity_rank(json_string_value(json_object_get(y, "severity"))) -
        severity_rank(json_string_value(json_object_get(x, "severity")));
    if (d)
        return d;
    return strcmp(json_string_value(json_object_get(x, "control")),
                  json_string_value(json_object_get(y, "control")));
}

/* Append s, at most about `max` bytes (cut on a UTF-8 boundary), with control characters
 * (and so the ESC that starts terminal sequences) turned into spaces. */
static void add_safe(struct strbuf *sb, const char *s, size_t max)
{
    size_t start = sb->len;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (sb->len - start >= max && (*p & 0xC0) != 0x80) {
            strbuf_adds(sb, "…");
            return;
        }
        if (*p < 0x20 || *p == 0x7f)
            strbuf_addch(sb, ' ');
        else
            strbuf_addch(sb, (char)*p);
    }
}

static void add_value(struct strbuf *sb, const json_t *v)
{
    if (json_is_string(v)) {
        add_safe(sb, json_string_value(v), OBSERVED_MAX);
    } else if (json_is_array(v) && json_array_size(v) == 0) {
        strbuf_adds(sb, "none");
    } else if (json_is_array(v)) {
        struct strbuf tmp = STRBUF_INIT;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (i)
                strbuf_adds(&tmp, ", ");
            if (json_is_string(item)) {
                strbuf_adds(&tmp, json_string_value(item));
            } else {
                char *s = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
                strbuf_adds(&tmp, s ? s : "?");
                free(s);
            }
        }
        add_safe(sb, tmp.buf, OBSERVED_MAX);
        strbuf_release(&tmp);
    } else if (v && !json_is_null(v)) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        add_safe(sb, s ? s : "?", OBSERVED_MAX);
        free(s);
    }
}

static const char *status_color(const char *st)
{
    if (strcmp(st, "fail") == 0)
        return C_RED C_BOLD;
    if (strcmp(st, "error") == 0)
        return C_MAGENTA;
    if (strcmp(st, "warn") == 0)
        return C_YELLOW;
    if (strcmp(st, "pass") == 0)
        return C_GREEN;
    return C_DIM;
}

static const char *verdict_color(const char *v)
{
    return strcmp(v, "compliant") == 0 ? C_GREEN C_BOLD : C_RED C_BOLD;
}

static void upper(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char)(src[i] - 32) : src[i];
    dst[i] = '\0';
}

static void write_target(const json_t *tg, FILE *out, int color)
{
    const char *verdict = json_string_value(json_object_get(tg, "verdict"));
    char vbuf[32], sbuf[16];
    upper(vbuf, verdict ? verdict : "?", sizeof vbuf);
    fprintf(out, "\n%s%s%s  %s%s%s\n", color ? C_BOLD : "",
            json_string_value(json_object_get(tg, "url")), color ? C_RESET : "",
            color ? verdict_color(verdict ? verdict : "") : "", vbuf, color ? C_RESET : "");
    const char *err = json_string_value(json_object_get(tg, "error"));
    if (err) {
        struct strbuf sb = STRBUF_INIT;
        add_safe(&sb, err, 200);
        fprintf(out, "  not scanned: %s\n", sb.buf);
        strbuf_release(&sb);
    }
    const json_t *results = json_object_get(tg, "results");
    size_t n = err ? 0 : json_array_size(results); /* unreachable: every result says the same */
    const json_t **sorted = calloc(n ? n : 1, sizeof *sorted);
    if (!sorted)
        return;
    for (size_t i = 0; i < n; i++)
        sorted[i] = json_array_get(results, i);
    qsort(sorted, n, sizeof *sorted, cmp_results);
    for (size_t i = 0; i < n; i++) {
        const json_t *r = sorted[i];
        const char *st = json_string_value(json_object_get(r, "status"));
        const char *sev = json_string_value(json_object_get(r, "severity"));
        struct strbuf line = STRBUF_INIT;
        upper(sbuf, st, sizeof sbuf);
        strbuf_addf(&line, "  %s%-8s%s %-8s %-14s ", color ? status_color(st) : "", sbuf,
                    color ? C_RESET : "", sev ? sev : "", json_string_value(json_object_get(r, "control")));
        add_safe(&line, json_string_value(json_object_get(r, "title")), 100);
        fprintf(out, "%s\n", line.buf);
        strbuf_reset(&line);
        const json_t *obs = json_object_get(r, "observed");
        if (obs && !json_is_null(obs)) {
            add_value(&line, obs);
            fprintf(out, "%*s%sobserved:%s %s\n", 37, "", color ? C_DIM : "",
                    color ? C_RESET : "", line.buf);
            strbuf_reset(&line);
        }
        const json_t *ev = json_object_get(r, "evidence");
        int show_ev = strcmp(st, "pass") != 0 && strcmp(st, "skipped") != 0;
        if (ev && json_is_string(ev) && (show_ev || !obs || json_is_null(obs))) {
            add_value(&line, ev);
            fprintf(out, "%*s%s\n", 37, "", line.buf);
        }
        strbuf_release(&line);
    }
    free(sorted);
}

void report_write_text(const json_t *rep, FILE *out, int color)
{
    const json_t *prof = json_object_get(rep, "profile");
    const char *ver = json_string_value(json_object_get(prof, "version"));
    const char *sha = json_string_value(json_object_get(prof, "sha256"));
    fprintf(out, "cocscan %s — profile %s%s%s (sha256 %.12s…), fail-on %s\n",
            json_string_value(json_object_get(json_object_get(rep, "tool"), "version")),
            json_string_value(json_object_get(prof, "id")), ver ? " " : "", ver ? ver : "",
            sha ? sha : "", json_string_value(json_object_get(rep, "fail_on")));
    size_t i;
    json_t *tg;
    json_array_foreach(json_object_get(rep, "targets"), i, tg)
        write_target(tg, out, color);
    const char *verdict = json_string_value(json_object_get(rep, "verdict"));
    const json_t *sum = json_object_get(rep, "summary");
    const json_t *res = json_object_get(sum, "results");
    char vbuf[32];
    upper(vbuf, verdict ? verdict : "?", sizeof vbuf);
    fprintf(out, "\n%sVerdict: %s%s — %lld target%s; %lld pass, %lld fail, %lld warn, %lld error, "
                 "%lld skipped\n",
            color ? verdict_color(verdict ? verdict : "") : "", vbuf, color ? C_RESET : "",
            json_integer_value(json_object_get(sum, "targets")),
            json_integer_value(json_object_get(sum, "targets")) == 1 ? "" : "s",
            json_integer_value(json_object_get(res, "pass")),
            json_integer_value(json_object_get(res, "fail")),
            json_integer_value(json_object_get(res, "warn")),
            json_integer_value(json_object_get(res, "error")),
            json_integer_value(json_object_get(res, "skipped")));
}
