/* yamlout.c — emit a JSON value as YAML through libyaml, quoting ambiguous strings. */
#include "yamlout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yamldoc.h"

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    return strbuf_add(data, buffer, size) == 0;
}

/* Would this string, written plain, be read back as something other than a string? */
static int needs_quotes(const char *s, size_t len)
{
    struct ynode n = { .type = YN_SCALAR, .value = (char *)s, .len = len, .plain = 1 };
    long long i;
    int b;
    if (len == 0 || ynode_is_null(&n) || ynode_bool(&n, &b) == 0 || ynode_int(&n, &i) == 0)
        return 1;
    char *end = NULL;
    (void)strtod(s, &end); /* floats, .inf, .nan */
    if (end && *end == '\0')
        return 1;
    return strcmp(s, "yes") == 0 || strcmp(s, "no") == 0 || strcmp(s, "on") == 0 ||
           strcmp(s, "off") == 0;
}

static int scalar(yaml_emitter_t *em, const char *s, size_t len, int quote)
{
    yaml_event_t ev;
    yaml_scalar_style_t style = quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, !quote, 1,
                                      style))
        return -1;
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit(yaml_emitter_t *em, const json_t *j)
{
    yaml_event_t ev;
    char buf[64];
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(em, &ev))
            return -1;
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)j, k, v) {
            if (scalar(em, k, strlen(k), needs_quotes(k, strlen(k))) < 0 || emit(em, v) < 0)
                return -1;
        }
        if (!yaml_mapping_end_event_initialize(&ev))
            return -1;
        return yaml_emitter_emit(em, &ev) ? 0 : -1;
    }
    case JSON_ARRAY: {
        int flow = 1;
        for (size_t i = 0; i < json_array_size(j); i++)
            if (json_is_object(json_array_get(j, i)) || json_is_array(json_array_get(j, i)))
                flow = 0;
        if (!yaml_sequence_start_event_initialize(
                &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(em, &ev))
            return -1;
        for (size_t i = 0; i < json_array_size(j); i++)
            if (emit(em, json_array_get(j, i)) < 0)
                return -1;
        if (!yaml_sequence_end_event_initialize(&ev))
            return -1;
        return yaml_emitter_emit(em, &ev) ? 0 : -1;
    }
    case JSON_STRING: {
        const char *s = json_string_value(j);
        size_t len = json_string_length(j);
        return scalar(em, s, len, needs_quotes(s, len));
    }
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        return scalar(em, buf, strlen(buf), 0);
    case JSON_REAL:
        snprintf(buf, sizeof buf, "%.17g", json_real_value(j));
        return scalar(em, buf, strlen(buf), 0);
    case JSON_TRUE:
        return scalar(em, "true", 4, 0);
    case JSON_FALSE:
        return scalar(em, "false", 5, 0);
    case JSON_NULL:
        return scalar(em, "null", 4, 0);
    }
    return -1;
}

int yaml_from_json(const json_t *j, struct strbuf *out)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    int rc = -1;
    if (!yaml_emitter_initialize(&em))
        return -1;
    yaml_emitter_set_output(&em, write_handler, out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, 100);
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
        !yaml_emitter_emit(&em, &ev))
        goto out;
    if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
        !yaml_emitter_emit(&em, &ev))
        goto out;
    if (emit(&em, j) < 0)
        goto out;
    if (!yaml_document_end_event_initialize(&ev, 1) || !yaml_emitter_emit(&em, &ev))
        goto out;
    if (!yaml_stream_end_event_initialize(&ev) || !yaml_emitter_emit(&em, &ev))
        goto out;
    rc = 0;
out:
    yaml_emitter_delete(&em);
    return rc;
}
