/*
 * fuzz_report_text.c — libFuzzer target for report_write_text (reports/report_text.c), the
 * terminal summary rendered from a JSON report.
 *
 * Input: JSON text; anything json_loadb does not read as an object is skipped. The report is
 * rendered twice into a memory stream, without and with colour. Invariants, any violation aborts:
 *   - no crash and no sanitizer report for any shape of object (keys missing, wrong types);
 *   - without colour the output has no ESC (0x1b) byte: server-sourced text cannot drive the
 *     terminal.
 * Regression seeds (corpus/report_text/regress-*): results without a string "status", "title"
 * or "control" once crashed the writer, and an ESC in fields it printed unfiltered reached the
 * terminal.
 *
 * Build: make build/fuzz/fuzz_report_text
 * Run:   build/fuzz/fuzz_report_text -max_total_time=60 /tmp/scratch_rt \
 *        test/fuzz/corpus/report_text
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "report.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *rep = json_loadb((const char *)data, size, 0, &jerr);

    if (!json_is_object(rep)) {
        json_decref(rep);
        return 0;
    }
    for (int color = 0; color <= 1; color++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        check(out != NULL);
        report_write_text(rep, out, color);
        check(fclose(out) == 0);
        check(len > 0);
        if (!color)
            check(memchr(buf, 0x1b, len) == NULL);
        free(buf);
    }
    json_decref(rep);
    return 0;
}
