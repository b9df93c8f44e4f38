/* fuzz_common.h — what every libFuzzer target here shares: the entry point's prototype, an
 * abort-on-violation check, and UBSan options so a report is always a crash the fuzzer keeps
 * (also when a target is built by hand without -fno-sanitize-recover). */
#ifndef COC_FUZZ_COMMON_H
#define COC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

/* Abort when an invariant does not hold: libFuzzer keeps the input as a crash. */
static inline void check(int cond)
{
    if (!cond)
        abort();
}

#endif
