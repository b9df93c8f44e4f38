/*
 * sarif.c — SARIF 2.1.0 from the canonical report, shaped for GitHub code scanning.
 *
 * Rules: one per control seen in any target's results (pass included, so rule indices do not
 * shift when a finding comes or goes), in order of first appearance. A rule carries the
 * control's title, remediation, severity as properties.security-severity (the CVSS-like string
 * GitHub ranks alerts by) and its framework references as tags ("nzism:16.7.42.C.01").
 *
 * Results: fail -> "error", warn -> "warning", error -> "note". An error result means the check
 * could not judge the control (unreachable, probe failed); it is shown so the gap is visible,
 * but at the lowest level because nothing was found wrong. Waived results are emitted with an
 * external suppression so a dashboard shows them as dismissed rather than losing them.
 *
 * Locations: GitHub rejects a whole upload if one result lacks a physical location, and the
 * findings are about URLs, not lines of code. So every result points at, in order: the line of
 * the targets file that defines the target; the profile file, line 1 (the report does not carry
 * control lines); or, for a built-in profile, profiles/NAME.yaml line 1. The URL itself is a
 * logical location.
 *
 * Strings from servers reach the output only as JSON string values, which jansson escapes; the
 * report's strings are valid UTF-8 by construction and every string built here is re-checked.
 */
#include "sarif.h"

#include <string.h>

#include "strbuf.h"
#include "util.h"

#define SARIF_INFO_URI "https://cocscan.nz/"
#define MESSAGE_MAX 8192 /* bytes of message text; evidence beyond this is cut */

static int streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* GitHub's security-severity for a profile severity (CVSS-like, as a string). */
static const char *security_severity(const char *sev)
{
    if (streq(sev, "critical"))
        return "9.5";
    if (streq(sev, "high"))
        return "8.0";
    if (streq(sev, "medium"))
        return "5.5";
    if (streq(sev, "low"))
        return "3.0";
    return "1.0";
}

static const char *default_level(const char *sev)
{
    if (streq(sev, "critical") || streq(sev, "high"))
        return "error";
    return streq(sev, "medium") ? "warning" : "note";
}

/* A JSON string from a buffer built out of valid UTF-8 pieces; lossy as a last resort. */
static json_t *string_of(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    return j ? j : json_string_lossy(s, n);
}

/* Append "fw:id" for each reference in refs ({fw: id | [id, ...]}) to tags. */
static int add_ref_tags(json_t *tags, const json_t *refs)
{
    const char *fw;
    const json_t *v;
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    json_object_foreach((json_t *)refs, fw, v) {
        const json_t *one = v;
        size_t i = 0, n = json_is_array(v) ? json_array_size(v) : 1;
        for (; i < n; i++) {
            if (json_is_array(v))
                one = json_array_get(v, i);
            if (!json_is_string(one))
                continue;
            strbuf_reset(&sb);
            if (strbuf_adds(&sb, fw) || strbuf_addch(&sb, ':') ||
                strbuf_add(&sb, json_string_value(one), json_string_length(one)) ||
                json_array_append_new(tags, string_of(sb.buf, sb.len))) {
                rc = -1;
                goto out;
            }
        }
    }
out:
    strbuf_release(&sb);
    return rc;
}

/* The rule for the control of result r. New reference or NULL. */
static json_t *rule_new(const json_t *r)
{
    const char *control = json_str(r, "control"), *sev = json_str(r, "severity");
    const char *title = json_str(r, "title"), *rem = json_str(r, "remediation"), *check = json_str(r, "check");
    if (!title || !*title)
        title = control;
    json_t *tags = json_pack("[s]", "security");
    json_t *props = json_pack("{s:s, s:s}", "security-severity", security_severity(sev), "severity",
                              sev ? sev : "info");
    json_t *rule =
        json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}}", "id", control, "name",
                  check ? check : control, "shortDescription", "text", title, "help", "text",
                  rem && *rem ? rem : title, "defaultConfiguration", "level", default_level(sev));
    if (!tags || !props || !rule || add_ref_tags(tags, json_object_get(r, "refs")) != 0)
        goto fail;
    if (json_object_set_new(props, "tags", tags) != 0) {
        tags = NULL;
        goto fail;
    }
    tags = NULL;
    if (json_object_set_new(rule, "properties", props) != 0) {
        props = NULL;
        goto fail;
    }
    return rule;
fail:
    json_decref(tags);
    json_decref(props);
    json_decref(rule);
    return NULL;
}

struct rules {
    json_t *list;  /* rules[] */
    json_t *index; /* control id -> index into list */
};

/* The index of r's control in rules, adding its rule on first sight; -1 on failure. */
static json_int_t rule_index(struct rules *rs, const json_t *r)
{
    const char *control = json_str(r, "control");
    if (!control)
        return -1;
    const json_t *have = json_object_get(rs->index, control);
    if (have)
        return json_integer_value(have);
    json_int_t idx = (json_int_t)json_array_size(rs->list);
    if (json_array_append_new(rs->list, rule_new(r)) != 0 ||
        json_object_set_new(rs->index, control, json_integer(idx)) != 0)
        return -1;
    return idx;
}

/* Append a rendering of evidence (string, array of anything, object) to sb. */
static int add_evidence(struct strbuf *sb, const json_t *ev)
{
    if (json_is_string(ev))
        return strbuf_add(sb, json_string_value(ev), json_string_length(ev));
    if (json_is_array(ev)) {
        size_t i;
        const json_t *item;
        json_array_foreach(ev, i, item) {
            if ((i > 0 && strbuf_adds(sb, "; ")) || add_evidence(sb, item))
                return -1;
        }
        return 0;
    }
    if (!ev || json_is_null(ev))
        return 0;
    char *s = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    int rc = s ? strbuf_adds(sb, s) : -1;
    free(s);
    return rc;
}

/* "<url>: <evidence>" (the title when there is no evidence), cut at MESSAGE_MAX bytes on a
 * character boundary. New reference or NULL. */
static json_t *message_new(const char *url, const json_t *r)
{
    struct strbuf sb = STRBUF_INIT;
    json_t *msg = NULL;
    if (strbuf_adds(&sb, url) || strbuf_adds(&sb, ": "))
        goto out;
    size_t head = sb.len;
    if (add_evidence(&sb, json_object_get(r, "evidence")))
        goto out;
    if (sb.len == head && strbuf_adds(&sb, json_str(r, "title") ? json_str(r, "title") : "finding"))
        goto out;
    if (sb.len > MESSAGE_MAX) {
        size_t n = MESSAGE_MAX;
        while (n > 0 && ((unsigned char)sb.buf[n] & 0xC0) == 0x80)
            n--;
        sb.len = n;
        sb.buf[n] = '\0';
        if (strbuf_adds(&sb, "\xE2\x80\xA6")) /* U+2026 */
            goto out;
    }
    msg = json_pack("{s:o}", "text", string_of(sb.buf, sb.len));
out:
    strbuf_release(&sb);
    return msg;
}

/* A file path as a URI reference: "./" dropped, absolute paths as file:// URIs, and every byte
 * outside RFC 3986 unreserved, sub-delims, '/' and '@' percent-encoded. New reference. */
static json_t *path_uri(const char *path)
{
    static const char keep[] = "-._~/!$&'()*+,;=@";
    struct strbuf sb = STRBUF_INIT;
    json_t *uri = NULL;
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    if (path[0] == '/' && strbuf_adds(&sb, "file://"))
        goto out;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || strchr(keep, *p);
        if (plain ? strbuf_addch(&sb, (char)*p) : strbuf_addf(&sb, "%%%02X", *p))
            goto out;
    }
    uri = json_string(sb.len ? sb.buf : "profile");
out:
    strbuf_release(&sb);
    return uri;
}

/* The file and line a result is reported at (see the top of this file). New reference. */
static json_t *physical_new(const json_t *report, const json_t *tg)
{
    const json_t *src = json_object_get(tg, "source");
    const json_t *prof = json_object_get(report, "profile");
    const char *psrc = json_str(prof, "source"), *pid = json_str(prof, "id");
    struct strbuf sb = STRBUF_INIT;
    json_t *uri = NULL, *loc = NULL;
    json_int_t line = 1;
    if (json_str(src, "file") && *json_str(src, "file")) {
        uri = path_uri(json_str(src, "file"));
        line = json_integer_value(json_object_get(src, "line"));
    } else if (psrc && *psrc && strncmp(psrc, "builtin:", 8) != 0) {
        uri = path_uri(psrc);
    } else {
        const char *name = psrc && strncmp(psrc, "builtin:", 8) == 0 && psrc[8] ? psrc + 8
                           : pid && *pid                                        ? pid
                                                                                : "profile";
        if (strbuf_addf(&sb, "profiles/%s.yaml", name) == 0)
            uri = path_uri(sb.buf);
    }
    if (uri)
        loc = json_pack("{s:{s:o}, s:{s:I}}", "artifactLocation", "uri", uri, "region", "startLine",
                        line >= 1 ? line : (json_int_t)1);
    strbuf_release(&sb);
    return loc;
}

/* partialFingerprints: the same control, target and check match across runs. New reference. */
static json_t *fingerprints_new(const char *control, const char *url, const char *check)
{
    struct strbuf sb = STRBUF_INIT;
    char hex[65];
    json_t *fp = NULL;
    if (strbuf_adds(&sb, control) || strbuf_addch(&sb, '\n') || strbuf_adds(&sb, url) ||
        strbuf_addch(&sb, '\n') || strbuf_adds(&sb, check ? check : ""))
        goto out;
    sha256_hex(sb.buf, sb.len, hex);
    fp = json_pack("{s:s}", SARIF_FINGERPRINT, hex);
out:
    strbuf_release(&sb);
    return fp;
}

/* The status a result is reported under: its own, or for a waived one the status the waiver
 * covers (waiver.status; "fail" when it does not say). */
static const char *effective_status(const json_t *r)
{
    const char *st = json_str(r, "status");
    if (streq(st, "waived")) {
        const char *under = json_str(json_object_get(r, "waiver"), "status");
        return under ? under : "fail";
    }
    return st;
}

static const char *level_of(const char *status)
{
    if (streq(status, "fail"))
        return "error";
    if (streq(status, "warn"))
        return "warning";
    if (streq(status, "error"))
        return "note";
    return NULL; /* pass, skipped, attested: not a finding */
}

/* [{kind: external, status: accepted, justification}] for a waived result, else NULL. */
static json_t *suppressions_new(const json_t *r)
{
    const json_t *w = json_object_get(r, "waiver");
    if (!streq(json_str(r, "status"), "waived") && !json_is_object(w))
        return NULL;
    const char *why = json_str(w, "reason") ? json_str(w, "reason") : json_str(w, "justification");
    return json_pack("[{s:s, s:s, s:s}]", "kind", "external", "status", "accepted", "justification",
                     why && *why ? why : "waived");
}

/* The SARIF result for r on target tg, or NULL in *out when r is not a finding. */
static int result_new(const json_t *report, const json_t *tg, const json_t *r, struct rules *rs,
                      json_t **out)
{
    const char *url = json_str(tg, "url"), *control = json_str(r, "control"), *check = json_str(r, "check");
    const char *status = effective_status(r), *level = level_of(status);
    json_int_t idx = rule_index(rs, r);
    *out = NULL;
    if (idx < 0 || !url)
        return -1;
    if (!level)
        return 0;
    json_t *where =
        json_pack("{s:o, s:[{s:s, s:s, s:s}]}", "physicalLocation", physical_new(report, tg),
                  "logicalLocations", "name", url, "fullyQualifiedName", url, "kind", "resource");
    const char *sev = json_str(r, "severity") ? json_str(r, "severity") : "info";
    json_t *res =
        json_pack("{s:s, s:I, s:s, s:o, s:[o], s:o, s:{s:s, s:s, s:s}}", "ruleId", control,
                  "ruleIndex", idx, "level", level, "message", message_new(url, r), "locations",
                  where, "partialFingerprints", fingerprints_new(control, url, check), "properties",
                  "status", json_str(r, "status"), "severity", sev, "target", url);
    if (!res)
        return -1;
    json_t *sup = suppressions_new(r);
    if (sup && json_object_set_new(res, "suppressions", sup) != 0) {
        json_decref(res);
        return -1;
    }
    *out = res;
    return 0;
}

/* Every target's findings into results, their rules into rs. */
static int add_results(const json_t *report, json_t *results, struct rules *rs)
{
    size_t i, j;
    const json_t *tg, *r;
    json_array_foreach(json_object_get(report, "targets"), i, tg) {
        json_array_foreach(json_object_get(tg, "results"), j, r) {
            json_t *res;
            if (result_new(report, tg, r, rs, &res) != 0)
                return -1;
            if (res && json_array_append_new(results, res) != 0)
                return -1;
        }
    }
    return 0;
}

json_t *report_to_sarif(const json_t *report)
{
    struct rules rs = { json_array(), json_object() };
    json_t *results = json_array(), *driver = NULL, *run = NULL, *log = NULL;
    const json_t *prof = json_object_get(report, "profile");
    const char *version = json_str(json_object_get(report, "tool"), "version");
    if (!json_is_array(json_object_get(report, "targets")) || !rs.list || !rs.index || !results)
        goto out;
    if (add_results(report, results, &rs) != 0)
        goto out;
    driver = json_pack("{s:s, s:s}", "name", "cocscan", "informationUri", SARIF_INFO_URI);
    if (!driver || (version && json_object_set_new(driver, "version", json_string(version))) ||
        json_object_set(driver, "rules", rs.list))
        goto out;
    run = json_pack("{s:{s:O}, s:O, s:{s:O*, s:O*, s:O*, s:O*}}", "tool", "driver", driver,
                    "results", results, "properties", "profile", json_object_get(prof, "id"),
                    "profile_sha256", json_object_get(prof, "sha256"), "profile_source",
                    json_object_get(prof, "source"), "verdict", json_object_get(report, "verdict"));
    if (!run)
        goto out;
    log = json_pack("{s:s, s:s, s:[O]}", "$schema", SARIF_SCHEMA, "version", SARIF_VERSION, "runs",
                    run);
out:
    json_decref(rs.list);
    json_decref(rs.index);
    json_decref(results);
    json_decref(driver);
    json_decref(run);
    return log;
}

int report_write_sarif(const json_t *report, FILE *out, struct coc_error *e)
{
    json_t *log = report_to_sarif(report);
    int rc = -1;
    if (!log) {
        coc_fail(e, "cannot render SARIF: the report is malformed or memory ran out");
        goto out;
    }
    if (json_dumpf(log, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
        fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out)) {
        coc_fail(e, "cannot write SARIF output");
        goto out;
    }
    rc = 0;
out:
    json_decref(log);
    return rc;
}
