/* report_output.c — rendering a report to a file or stdout, and reading one back. */
#include "report_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html_report.h"
#include "junit.h"
#include "log.h"
#include "report.h"
#include "sarif.h"
#include "util.h"

#define REPORT_READ_MAX (256u * 1024 * 1024)

static const char *const names[] = { "json", "html", "sarif", "junit" };

const char *report_format_name(enum report_format f)
{
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

int report_format_parse(const char *name, enum report_format *out)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum report_format)i;
            return 0;
        }
    return -1;
}

/* The JSON report streamed to a file descriptor through a 64 KiB buffer: a fleet's report is
 * tens of megabytes, and building it as one string first would double the scan's peak memory. */
struct json_sink {
    int fd;
    int failed;
    const char *indent; /* written after every newline jansson writes (nesting) */
    size_t n;
    char buf[64 * 1024];
};

static int sink_flush(struct json_sink *k)
{
    for (size_t off = 0; off < k->n && !k->failed;) {
        ssize_t w = write(k->fd, k->buf + off, k->n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            k->failed = 1;
        else
            off += (size_t)w;
    }
    k->n = 0;
    return k->failed ? -1 : 0;
}

static int sink_raw(struct json_sink *k, const char *s, size_t len)
{
    while (len && !k->failed) {
        size_t room = sizeof k->buf - k->n, take = len < room ? len : room;
        memcpy(k->buf + k->n, s, take);
        k->n += take;
        s += take;
        len -= take;
        if (k->n == sizeof k->buf)
            sink_flush(k);
    }
    return k->failed ? -1 : 0;
}

/* jansson's output, re-indented by k->indent: JSON strings never hold a raw newline, so every
 * newline in it is formatting. */
static int sink_put(const char *s, size_t len, void *data)
{
    struct json_sink *k = data;
    const char *nl;
    while (len && (nl = memchr(s, '\n', len)) != NULL) {
        size_t part = (size_t)(nl - s) + 1;
        sink_raw(k, s, part);
        sink_raw(k, k->indent, strlen(k->indent));
        s += part;
        len -= part;
    }
    return sink_raw(k, s, len);
}

static int dump_at(struct json_sink *k, const json_t *v, const char *indent)
{
    k->indent = indent;
    return json_dump_callback(v, sink_put, k, REPORT_DUMP_FLAGS | JSON_ENCODE_ANY);
}

/* One target, its observations expanded from their compact text (REPORT_OBS_TEXT) if kept so:
 * only this target's tree exists at a time. */
static int dump_target(struct json_sink *k, const json_t *tg)
{
    const char *text = json_string_value(json_object_get(tg, REPORT_OBS_TEXT));
    if (!text)
        return dump_at(k, tg, "    ");
    json_t *copy = json_copy((json_t *)tg), *obs = json_loads(text, 0, NULL);
    int rc = -1;
    if (copy && obs && json_object_del(copy, REPORT_OBS_TEXT) == 0 &&
        json_object_set(copy, "observations", obs) == 0)
        rc = dump_at(k, copy, "    ");
    json_decref(obs);
    json_decref(copy);
    return rc;
}

/* The report as jansson would print it with REPORT_DUMP_FLAGS, written piece by piece. */
static int dump_report(struct json_sink *k, const json_t *rep)
{
    const char *key;
    const json_t *v;
    int first = 1;
    sink_raw(k, "{", 1);
    json_object_foreach((json_t *)rep, key, v) {
        json_t *name = json_string(key);
        sink_raw(k, first ? "\n  " : ",\n  ", first ? 3 : 4);
        first = 0;
        if (!name || dump_at(k, name, "") < 0) {
            json_decref(name);
            return -1;
        }
        json_decref(name);
        sink_raw(k, ": ", 2);
        if (strcmp(key, "targets") != 0 || !json_is_array(v) || json_array_size(v) == 0) {
            if (dump_at(k, v, "  ") < 0)
                return -1;
            continue;
        }
        size_t i;
        const json_t *tg;
        sink_raw(k, "[", 1);
        json_array_foreach(v, i, tg) {
            sink_raw(k, i ? ",\n    " : "\n    ", i ? 6 : 5);
            if (dump_target(k, tg) < 0)
                return -1;
        }
        sink_raw(k, "\n  ]", 4);
    }
    sink_raw(k, first ? "}" : "\n}", first ? 1 : 2);
    return k->failed ? -1 : 0;
}

static int write_json(int fd, void *ctx)
{
    struct json_sink *k = malloc(sizeof *k);
    if (!k) {
        errno = ENOMEM;
        return -1;
    }
    k->fd = fd;
    k->failed = 0;
    k->indent = "";
    k->n = 0;
    int rc = dump_report(k, ctx) == 0 && sink_raw(k, "\n", 1) == 0 && sink_flush(k) == 0 ? 0
                                                                                        : -1;
    int saved = k->failed ? errno : EIO; /* jansson's own failure sets no errno */
    free(k);
    if (rc < 0)
        errno = saved;
    return rc;
}

int report_output(const json_t *rep, enum report_format fmt, const char *path,
                  struct coc_error *e)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = -1;
    if (fmt == REPORT_JSON) {
        if (file_write_atomic_with(path, write_json, (void *)rep) < 0)
            return coc_fail(e, "cannot write the JSON report to %s: %s", path, strerror(errno));
        return 0;
    } else {
        FILE *mem = open_memstream(&buf, &len);
        if (!mem)
            return coc_fail(e, "out of memory rendering the %s report", report_format_name(fmt));
        int w = fmt == REPORT_HTML    ? report_write_html(rep, mem, e)
                : fmt == REPORT_SARIF ? report_write_sarif(rep, mem, e)
                                      : report_write_junit(rep, mem, e);
        if (fclose(mem) != 0 && w == 0)
            w = coc_fail(e, "out of memory rendering the %s report", report_format_name(fmt));
        if (w < 0)
            goto out;
    }
    if (file_write_atomic(path, buf, len) < 0) {
        coc_fail(e, "cannot write the %s report to %s: %s", report_format_name(fmt), path,
                 strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

int report_outputs_to_stdout(const char *const outs[REPORT__COUNT])
{
    int n = 0;
    for (int f = 0; f < REPORT__COUNT; f++)
        n += outs[f] && strcmp(outs[f], "-") == 0;
    return n;
}

int report_output_all(const json_t *rep, const char *const outs[REPORT__COUNT], const char *cmd)
{
    int rc = 0;
    for (int f = 0; f < REPORT__COUNT; f++) {
        struct coc_error e = { "" };
        if (outs[f] && report_output(rep, (enum report_format)f, outs[f], &e) < 0) {
            log_err("%s: %s", cmd, e.msg);
            rc = -1;
        }
    }
    return rc;
}

int report_read(const char *path, json_t **out, struct coc_error *e)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    if (file_read_all(path, REPORT_READ_MAX, &data, &len) < 0)
        return coc_fail(e, "%s: cannot read the report: %s", path,
                        errno == EFBIG ? "larger than 256 MiB" : strerror(errno));
    int rc = report_parse(data, len, path, out, e);
    free(data);
    return rc;
}

int report_parse(const char *buf, size_t len, const char *name, json_t **out,
                 struct coc_error *e)
{
    json_error_t je;
    *out = NULL;
    json_t *rep = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!rep) {
        ascii_printable(je.text); /* it quotes the input: one line, no control sequences */
        return coc_fail(e, "%s:%d:%d: not a JSON report: %s", name, je.line, je.column, je.text);
    }
    const char *schema = json_string_value(json_object_get(rep, "schema"));
    if (!json_is_object(rep) || !schema || strcmp(schema, REPORT_SCHEMA) != 0 ||
        !json_is_array(json_object_get(rep, "targets"))) {
        json_decref(rep);
        return coc_fail(e, "%s: not a cocscan report (no \"schema\": \"%s\" and targets list)",
                        name, REPORT_SCHEMA);
    }
    *out = rep;
    return 0;
}
