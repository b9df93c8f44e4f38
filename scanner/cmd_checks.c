/* cmd_checks.c — `cocscan checks`: what the registry holds, for people and for tools. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "registry.h"

static const char checks_usage[] =
    "Usage: cocscan checks [--json]\n"
    "\n"
    "List every registered check: its id (what a profile control names in `check:`), its\n"
    "family, its title and the `expect` keys it accepts, with their types and defaults.\n"
    "  --json     the same as a JSON array\n";

static const char *type_name(enum expect_type t)
{
    switch (t) {
    case EXP_BOOL: return "bool";
    case EXP_INT: return "integer";
    case EXP_STRING: return "string";
    case EXP_STRING_LIST: return "list of strings";
    }
    return "?";
}

static json_t *checks_json(void)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < check_count(); i++) {
        const struct check *c = check_at(i);
        json_t *keys = json_array();
        for (const struct expect_key *k = c->expect_keys; k && k->name; k++) {
            json_t *jk = json_pack("{s:s, s:s, s:s}", "name", k->name, "type",
                                   type_name(k->type), "doc", k->doc);
            if (k->values) {
                json_t *vals = json_array();
                for (const char *const *v = k->values; *v; v++)
                    json_array_append_new(vals, json_string(*v));
                json_object_set_new(jk, "values", vals);
            }
            json_array_append_new(keys, jk);
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "id", c->id, "family",
                                             c->family, "title", c->title, "expect", keys));
    }
    return arr;
}

int cmd_checks(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int as_json = 0, opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":jh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': as_json = 1; break;
        case 'h': fputs(checks_usage, stdout); return 0;
        default: return cli_bad_option("checks", opt, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("checks", "unexpected argument '%s'", argv[optind]);
    json_t *arr = checks_json();
    if (as_json) {
        char *s = json_dumps(arr, JSON_INDENT(2));
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(arr);
        return 0;
    }
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c) {
        printf("%s%-20s %-10s %s\n", i ? "\n" : "", json_string_value(json_object_get(c, "id")),
               json_string_value(json_object_get(c, "family")),
               json_string_value(json_object_get(c, "title")));
        size_t j;
        json_t *k;
        json_array_foreach(json_object_get(c, "expect"), j, k) {
            printf("    %-22s %-16s %s\n", json_string_value(json_object_get(k, "name")),
                   json_string_value(json_object_get(k, "type")),
                   json_string_value(json_object_get(k, "doc")));
            json_t *vals = json_object_get(k, "values");
            if (vals) {
                printf("    %-22s %-16s one of:", "", "");
                size_t m;
                json_t *v;
                json_array_foreach(vals, m, v)
                    printf(" %s", json_string_value(v));
                printf("\n");
            }
        }
    }
    json_decref(arr);
    return 0;
}
