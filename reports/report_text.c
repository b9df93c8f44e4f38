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

/* A string member of o, or dflt: a report read back from a file may lack anything. */
static const char *str(const json_t *o, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : dflt;
}

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
    int d = status_rank(str(x, "status", "")) - status_rank(str(y, "status", ""));
    if (d)
        return d;
    d = severity_rank(str(y, "severity", "")) - severity_rank(str(x, "severity", ""));
    if (d)
        return d;
    return strcmp(str(x, "control", ""), str(y, "control", ""));
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

/* Append s upper-cased and made safe (see add_safe). */
static void add_upper(struct strbuf *sb, const char *s, size_t max)
{
    size_t from = sb->len;
    add_safe(sb, s, max);
    for (size_t i = from; i < sb->len; i++)
        if (sb->buf[i] >= 'a' && sb->buf[i] <= 'z')
            sb->buf[i] = (char)(sb->buf[i] - 32);
}

static void add_colored(struct strbuf *sb, int color, const char *code, const char *s, int up)
{
    if (color)
        strbuf_adds(sb, code);
    if (up)
        add_upper(sb, s, 40);
    else
        add_safe(sb, s, 200);
    if (color)
        strbuf_adds(sb, C_RESET);
}

static void add_result(struct strbuf *sb, const json_t *r, int color)
{
    const char *st = str(r, "status", "?");
    strbuf_adds(sb, "  ");
    add_colored(sb, color, status_color(st), st, 1);
    strbuf_addf(sb, "%*s", (int)(strlen(st) < 9 ? 9 - strlen(st) : 1), "");
    size_t col = sb->len;
    add_safe(sb, str(r, "severity", "?"), 12);
    strbuf_addf(sb, "%*s", (int)(sb->len - col < 9 ? 9 - (sb->len - col) : 1), "");
    col = sb->len;
    add_safe(sb, str(r, "control", "?"), 40);
    strbuf_addf(sb, "%*s", (int)(sb->len - col < 15 ? 15 - (sb->len - col) : 1), "");
    add_safe(sb, str(r, "title", ""), 100);
    strbuf_addch(sb, '\n');
    const json_t *obs = json_object_get(r, "observed");
    if (obs && !json_is_null(obs)) {
        strbuf_addf(sb, "%*s%sobserved:%s ", 37, "", color ? C_DIM : "", color ? C_RESET : "");
        add_value(sb, obs);
        strbuf_addch(sb, '\n');
    }
    const json_t *ev = json_object_get(r, "evidence");
    int show_ev = strcmp(st, "pass") != 0 && strcmp(st, "skipped") != 0;
    if (json_is_string(ev) && (show_ev || !obs || json_is_null(obs))) {
        strbuf_addf(sb, "%*s", 37, "");
        add_value(sb, ev);
        strbuf_addch(sb, '\n');
    }
}

static void write_target(const json_t *tg, struct strbuf *sb, int color)
{
    const char *verdict = str(tg, "verdict", "?");
    strbuf_addch(sb, '\n');
    add_colored(sb, color, C_BOLD, str(tg, "url", "?"), 0);
    strbuf_adds(sb, "  ");
    add_colored(sb, color, verdict_color(verdict), verdict, 1);
    strbuf_addch(sb, '\n');
    const char *err = str(tg, "error", NULL);
    if (err) {
        strbuf_adds(sb, "  not scanned: ");
        add_safe(sb, err, 200);
        strbuf_addch(sb, '\n');
    }
    const json_t *results = json_object_get(tg, "results");
    size_t n = err ? 0 : json_array_size(results); /* unreachable: every result says the same */
    const json_t **sorted = calloc(n ? n : 1, sizeof *sorted);
    if (!sorted)
        return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (json_is_object(json_array_get(results, i)))
            sorted[m++] = json_array_get(results, i);
    qsort(sorted, m, sizeof *sorted, cmp_results);
    for (size_t i = 0; i < m; i++)
        add_result(sb, sorted[i], color);
    free(sorted);
}

static long long count(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

void report_write_text(const json_t *rep, FILE *out, int color)
{
    struct strbuf sb = STRBUF_INIT;
    const json_t *prof = json_object_get(rep, "profile");
    strbuf_adds(&sb, "cocscan ");
    add_safe(&sb, str(json_object_get(rep, "tool"), "version", "?"), 20);
    strbuf_adds(&sb, " — profile ");
    add_safe(&sb, str(prof, "id", "?"), 60);
    if (str(prof, "version", NULL)) {
        strbuf_addch(&sb, ' ');
        add_safe(&sb, str(prof, "version", ""), 20);
    }
    strbuf_adds(&sb, " (sha256 ");
    add_safe(&sb, str(prof, "sha256", "?"), 12);
    strbuf_adds(&sb, "), fail-on ");
    add_safe(&sb, str(rep, "fail_on", "?"), 10);
    strbuf_addch(&sb, '\n');
    size_t i;
    json_t *tg;
    json_array_foreach(json_object_get(rep, "targets"), i, tg)
        if (json_is_object(tg))
            write_target(tg, &sb, color);
    const char *verdict = str(rep, "verdict", "?");
    const json_t *sum = json_object_get(rep, "summary");
    const json_t *res = json_object_get(sum, "results");
    strbuf_addch(&sb, '\n');
    add_colored(&sb, color, verdict_color(verdict), "Verdict: ", 0);
    add_colored(&sb, color, verdict_color(verdict), verdict, 1);
    strbuf_addf(&sb, " — %lld target%s; %lld pass, %lld fail, %lld warn, %lld error, "
                     "%lld skipped\n",
                count(sum, "targets"), count(sum, "targets") == 1 ? "" : "s", count(res, "pass"),
                count(res, "fail"), count(res, "warn"), count(res, "error"),
                count(res, "skipped"));
    fwrite(sb.buf, 1, sb.len, out);
    strbuf_release(&sb);
}
