/*
 * shard.c — which targets a shard scans. Round robin over the list as given (URLs on the
 * command line, then the targets file in file order): every shard gets within one target of
 * the same number, and the same list always splits the same way.
 */
#include "shard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number in [lo, hi] spanning exactly s[0..len). */
static int parse_uint(const char *s, size_t len, unsigned lo, unsigned hi, unsigned *out)
{
    if (len == 0 || len > 9 || strspn(s, "0123456789") < len)
        return -1;
    unsigned long v = strtoul(s, NULL, 10);
    if (v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int shard_parse(const char *s, struct shard *out, struct coc_error *e)
{
    const char *slash = strchr(s, '/');
    struct shard sh = { 0, 0 };
    if (!slash || parse_uint(slash + 1, strlen(slash + 1), 1, SHARD_MAX, &sh.count) < 0 ||
        parse_uint(s, (size_t)(slash - s), 1, sh.count, &sh.index) < 0)
        return coc_fail(e, "--shard: '%s' is not K/N with 1 <= K <= N <= %d (e.g. 2/8)", s,
                        SHARD_MAX);
    *out = sh;
    return 0;
}

int shard_resolve(const char *opt_shard, unsigned shards, const char *job_index,
                  struct shard *out, struct coc_error *e)
{
    out->index = out->count = 0;
    if (opt_shard) {
        if (shards)
            return coc_fail(e, "--shard K/N and --shards N are alternatives; give one");
        return shard_parse(opt_shard, out, e);
    }
    if (!shards)
        return 0;
    if (!job_index || !*job_index)
        return coc_fail(e, "--shards %u needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed "
                           "Job) or use --shard K/N", shards);
    unsigned idx;
    if (parse_uint(job_index, strlen(job_index), 0, shards - 1, &idx) < 0)
        return coc_fail(e, "JOB_COMPLETION_INDEX '%.20s' is not an index from 0 to %u "
                           "(--shards %u)", job_index, shards - 1, shards);
    out->index = idx + 1;
    out->count = shards;
    return 0;
}

int shard_has(const struct shard *s, size_t i)
{
    return s->count == 0 || i % s->count == s->index - 1;
}
