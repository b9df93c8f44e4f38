/*
 * diff_text.c — the readable summary of a report diff, rendered from the diff document: per
 * target new failures first, then fixed, still failing, other status changes and what the
 * server shows differently; then targets added and removed, and one line of totals. Every
 * string from the reports (urls, names, titles, evidence, header values) is written with its
 * control characters replaced, so a hostile report cannot drive the terminal.
 */
#include <string.h>

#include "diff.h"
#include "util.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"

#define OBS_SHOWN 20    /* observation changes listed per target; the JSON has them all */
#define TEXT_MAX 240    /* bytes of one string from a report */

struct out {
    FILE *f;
    int color;
};

static long long num(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static void col(struct out *o, const char *code)
{
    if (o->color)
        fputs(code, o->f);
}

/* s, at most TEXT_MAX bytes (cut at a character boundary), C0 and C1 controls as spaces. */
static void put(struct out *o, const char *s)
{
    if (!s)
        s = "?";
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= TEXT_MAX && (c & 0xC0) != 0x80) {
            fputs("\xE2\x80\xA6", o->f);
            return;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) {
            fputc(' ', o->f); /* a C1 control, encoded */
            i++;
        } else {
            fputc(c < 0x20 || c == 0x7F ? ' ' : c, o->f);
        }
    }
}

static void put_or(struct out *o, const char *s, const char *dflt)
{
    put(o, s ? s : dflt);
}

static void profile_words(struct out *o, const json_t *side)
{
    const json_t *p = json_object_get(side, "profile");
    put_or(o, json_str(p, "id"), "(no profile id)");
    if (json_str(p, "version")) {
        fputc(' ', o->f);
        put(o, json_str(p, "version"));
    }
    if (json_str(p, "sha256")) {
        fputs(" (sha256 ", o->f);
        fprintf(o->f, "%.12s", json_str(p, "sha256"));
        fputs("\xE2\x80\xA6)", o->f);
    }
}

static void header(struct out *o, const json_t *d)
{
    static const char *const sides[] = { "old", "new" };
    for (int i = 0; i < 2; i++) {
        const json_t *s = json_object_get(d, sides[i]);
        fprintf(o->f, "%s: ", sides[i]);
        put_or(o, json_str(s, "file"), "?");
        fputs(" (scan started ", o->f);
        put_or(o, json_str(s, "started_at"), "at an unknown time");
        fputs(", profile ", o->f);
        profile_words(o, s);
        fputs(")\n", o->f);
    }
    if (json_is_true(json_object_get(d, "profile_changed"))) {
        col(o, C_YELLOW C_BOLD);
        fputs("Profile changed: ", o->f);
        profile_words(o, json_object_get(d, "old"));
        fputs(" \xE2\x86\x92 ", o->f);
        profile_words(o, json_object_get(d, "new"));
        col(o, C_RESET);
        fputs(" \xE2\x80\x94 some changes below may come from the profile, not the servers.\n",
              o->f);
    }
}

static void target_line(struct out *o, const json_t *t)
{
    col(o, C_BOLD);
    put_or(o, json_str(t, "url"), "(no url)");
    col(o, C_RESET);
    if (json_str(t, "name") || json_str(t, "organisation")) {
        fputs(" (", o->f);
        put_or(o, json_str(t, "name"), "");
        fputs(json_str(t, "name") && json_str(t, "organisation") ? ", " : "", o->f);
        put_or(o, json_str(t, "organisation"), "");
        fputc(')', o->f);
    }
}

/* One control change: "  + COC-HDR-01 [medium] title: pass → fail — evidence". */
static void control_line(struct out *o, const json_t *c, const char *mark, const char *color)
{
    fputs("    ", o->f);
    col(o, color);
    fputs(mark, o->f);
    fputc(' ', o->f);
    put_or(o, json_str(c, "control"), "?");
    col(o, C_RESET);
    fputs(" [", o->f);
    put_or(o, json_str(c, "severity"), "?");
    fputs("] ", o->f);
    put_or(o, json_str(c, "title"), "");
    fputs(": ", o->f);
    put_or(o, json_str(c, "old"), "(not in the old profile)");
    fputs(" \xE2\x86\x92 ", o->f);
    put_or(o, json_str(c, "new"), "(not in the new profile)");
    if (json_str(c, "evidence")) {
        fputs(" \xE2\x80\x94 ", o->f);
        put(o, json_str(c, "evidence"));
    }
    fputc('\n', o->f);
}

static void group(struct out *o, const json_t *t, const char *key, const char *title,
                  const char *mark, const char *color)
{
    const json_t *list = json_object_get(t, key);
    size_t i, n = json_array_size(list);
    const json_t *c;
    if (!n)
        return;
    fprintf(o->f, "  %s (%zu):\n", title, n);
    json_array_foreach(list, i, c)
        control_line(o, c, mark, color);
}

/* Still failing in one line: the ids with their severity. */
static void still_failing(struct out *o, const json_t *t)
{
    const json_t *list = json_object_get(t, "still_failing");
    size_t i, n = json_array_size(list);
    const json_t *c;
    if (!n)
        return;
    fprintf(o->f, "  Still failing (%zu): ", n);
    json_array_foreach(list, i, c) {
        fputs(i ? ", " : "", o->f);
        put_or(o, json_str(c, "control"), "?");
        if (json_str(c, "old") && json_str(c, "new") && strcmp(json_str(c, "old"), json_str(c, "new")) != 0) {
            fputs(" (", o->f);
            put(o, json_str(c, "old"));
            fputs(" \xE2\x86\x92 ", o->f);
            put(o, json_str(c, "new"));
            fputc(')', o->f);
        }
    }
    fputc('\n', o->f);
}

static void observations(struct out *o, const json_t *t)
{
    const json_t *list = json_object_get(t, "observations");
    size_t i, n = json_array_size(list);
    long long more = num(t, "observations_truncated");
    const json_t *c;
    if (!n)
        return;
    fprintf(o->f, "  Observations changed (%lld):\n", (long long)n + more);
    json_array_foreach(list, i, c) {
        if (i == OBS_SHOWN)
            break;
        fputs("    ", o->f);
        put_or(o, json_str(c, "summary"), "?");
        fputc('\n', o->f);
    }
    if ((long long)n + more > OBS_SHOWN)
        fprintf(o->f, "    \xE2\x80\xA6 and %lld more (--json lists them all)\n",
                (long long)n + more - OBS_SHOWN);
}

static int changed(const json_t *t)
{
    static const char *const keys[] = { "new_failures", "fixed", "other_changes",
                                        "observations" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_array_size(json_object_get(t, keys[i])))
            return 1;
    const char *a = json_str(t, "old_verdict"), *b = json_str(t, "new_verdict");
    return json_is_true(json_object_get(t, "became_unreachable")) || !a || !b || strcmp(a, b);
}

static void target(struct out *o, const json_t *t)
{
    if (!changed(t)) {
        col(o, C_DIM);
        fputs("= ", o->f);
        col(o, C_RESET);
        target_line(o, t);
        fputs(": ", o->f);
        put_or(o, json_str(t, "new_verdict"), "?");
        fputs(", no change", o->f);
        if (json_array_size(json_object_get(t, "still_failing")))
            fprintf(o->f, " (%zu still failing)",
                    json_array_size(json_object_get(t, "still_failing")));
        fputc('\n', o->f);
        return;
    }
    fputs("\n", o->f);
    target_line(o, t);
    fputs(": ", o->f);
    put_or(o, json_str(t, "old_verdict"), "?");
    fputs(" \xE2\x86\x92 ", o->f);
    put_or(o, json_str(t, "new_verdict"), "?");
    fputc('\n', o->f);
    if (json_is_true(json_object_get(t, "became_unreachable"))) {
        col(o, C_RED C_BOLD);
        fputs("  Became unreachable", o->f);
        col(o, C_RESET);
        if (json_str(t, "error")) {
            fputs(": ", o->f);
            put(o, json_str(t, "error"));
        }
        fputc('\n', o->f);
    }
    group(o, t, "new_failures", "New failures", "+", C_RED C_BOLD);
    group(o, t, "fixed", "Fixed", "-", C_GREEN);
    still_failing(o, t);
    group(o, t, "other_changes", "Other status changes", "~", C_YELLOW);
    observations(o, t);
}

static void lone(struct out *o, const json_t *d, const char *key, const char *title,
                 const char *mark)
{
    const json_t *list = json_object_get(d, key);
    size_t i, n = json_array_size(list);
    const json_t *t;
    if (!n)
        return;
    fprintf(o->f, "\n%s (%zu):\n", title, n);
    json_array_foreach(list, i, t) {
        fprintf(o->f, "  %s ", mark);
        target_line(o, t);
        fputs(": ", o->f);
        put_or(o, json_str(t, "verdict"), "?");
        fprintf(o->f, ", %lld failed\n", num(t, "failed"));
    }
}

static const char *plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void diff_write_text(const json_t *d, FILE *f, int color)
{
    struct out o = { f, color };
    const json_t *s = json_object_get(d, "summary");
    size_t i;
    const json_t *t;
    header(&o, d);
    json_array_foreach(json_object_get(d, "targets"), i, t)
        target(&o, t);
    lone(&o, d, "targets_added", "Targets added", "+");
    lone(&o, d, "targets_removed", "Targets removed", "-");
    long long nf = num(s, "new_failures"), fx = num(s, "fixed"), sf = num(s, "still_failing");
    long long oc = num(s, "other_changes"), ob = num(s, "observation_changes");
    long long ad = num(s, "targets_added"), rm = num(s, "targets_removed");
    long long lost = num(s, "became_unreachable");
    fprintf(f, "\nSummary: %lld new %s, %lld fixed, %lld still failing, %lld other status "
               "%s, %lld observation %s; %lld %s compared, %lld added, %lld removed, %lld "
               "became unreachable.\n",
            nf, plural(nf, "failure", "failures"), fx, sf, oc, plural(oc, "change", "changes"),
            ob, plural(ob, "change", "changes"), num(s, "targets_compared"),
            plural(num(s, "targets_compared"), "target", "targets"), ad, rm, lost);
    if (diff_regressed(d)) {
        col(&o, C_RED C_BOLD);
        fputs("Regressed", f);
        col(&o, C_RESET);
        fputs(": a control newly fails or a target became unreachable.\n", f);
    } else {
        col(&o, C_GREEN);
        fputs("No regression", f);
        col(&o, C_RESET);
        fputs(".\n", f);
    }
}
