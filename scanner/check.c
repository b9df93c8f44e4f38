/* check.c — names of statuses and severities, and small helpers shared by every judge. */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

static const char *const status_names[ST__COUNT] = {
    "pass", "fail", "warn", "error", "skipped", "waived", "attested",
};

static const char *const severity_names[SEV__COUNT] = {
    "info", "low", "medium", "high", "critical",
};

const char *status_name(enum status s)
{
    return (unsigned)s < ST__COUNT ? status_names[s] : "?";
}

int status_parse(const char *s, enum status *out)
{
    for (int i = 0; i < ST__COUNT; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *out = (enum status)i;
            return 0;
        }
    }
    return -1;
}

const char *severity_name(enum severity s)
{
    return (unsigned)s < SEV__COUNT ? severity_names[s] : "?";
}

int severity_parse(const char *s, enum severity *out)
{
    for (int i = 0; i < SEV__COUNT; i++) {
        if (strcmp(s, severity_names[i]) == 0) {
            *out = (enum severity)i;
            return 0;
        }
    }
    return -1;
}

static json_t *vformat(const char *fmt, va_list ap)
{
    struct strbuf sb = STRBUF_INIT;
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    json_t *s = NULL;
    if (n >= 0 && strbuf_grow(&sb, (size_t)n) == 0) {
        vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
        sb.len = (size_t)n;
        /* Evidence can quote server bytes: keep JSON valid whatever they are. */
        s = json_string_lossy(sb.buf, sb.len);
    }
    strbuf_release(&sb);
    return s;
}

void result_evidencef(struct result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *s = vformat(fmt, ap);
    va_end(ap);
    json_decref(r->evidence);
    r->evidence = s;
}

void result_release(struct result *r)
{
    json_decref(r->observed);
    json_decref(r->evidence);
    r->observed = NULL;
    r->evidence = NULL;
}

int obs_error(json_t *obs, const char *check_id, const char *fmt, ...)
{
    json_t *errors = json_object_get(obs, "errors");
    if (!errors) {
        errors = json_object();
        if (!errors || json_object_set_new(obs, "errors", errors) < 0)
            return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    json_t *s = vformat(fmt, ap);
    va_end(ap);
    if (s)
        json_object_set_new(errors, check_id, s);
    return -1;
}

const char *obs_error_get(const json_t *obs, const char *check_id)
{
    return json_string_value(json_object_get(json_object_get(obs, "errors"), check_id));
}

int expect_bool(const json_t *expect, const char *key, int dflt)
{
    const json_t *v = json_object_get(expect, key);
    return v ? json_is_true(v) : dflt;
}
