/*
 * expect_order.h — whether a tailored control's `expect` relaxes its parent's (profile.c uses
 * it to withdraw the parent's framework `refs` from a relaxed control).
 */
#ifndef COC_EXPECT_ORDER_H
#define COC_EXPECT_ORDER_H

#include <jansson.h>

#include "check.h"
#include "strbuf.h"

/* 1 when child (a control's resolved expect) is not shown to be at least as strict as parent
 * under check c's key orders, with each relaxed key described in why ("key old -> new"); 0 when
 * it is at least as strict. A key removed, or one c does not know, counts as relaxed. */
int expect_relaxed(const struct check *c, const json_t *parent, const json_t *child,
                   struct strbuf *why);

#endif
