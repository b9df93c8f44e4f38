/* yamlout.h — JSON values written as block-style YAML (libyaml's emitter). */
#ifndef COC_YAMLOUT_H
#define COC_YAMLOUT_H

#include <jansson.h>

#include "strbuf.h"

/* Append j as a YAML document to out. Strings that would read back as another type are quoted. */
int yaml_from_json(const json_t *j, struct strbuf *out);

#endif
