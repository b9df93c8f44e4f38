/*
 * shard.h — splitting a fleet scan across N jobs: shard K of N takes every Nth target of the
 * list, starting at the Kth, so N CI jobs or a Kubernetes Indexed Job cover each target once.
 */
#ifndef COC_SHARD_H
#define COC_SHARD_H

#include <stddef.h>

#include "error.h"

struct shard {
    unsigned index; /* 1-based; 0: not sharded */
    unsigned count;
};

#define SHARD_MAX 10000

/* "K/N" (1 <= K <= N <= SHARD_MAX). 0 ok, -1 with e set. */
int shard_parse(const char *s, struct shard *out, struct coc_error *e);

/* The shard from --shard, or else from a Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based,
 * the value of job_index, NULL when unset) with --shards N (shards, 0 when not given). No shard
 * (index 0) when neither applies. 0 ok, -1 with e set (e.g. --shards without an index). */
int shard_resolve(const char *opt_shard, unsigned shards, const char *job_index,
                  struct shard *out, struct coc_error *e);

/* Does the target at position i (0-based, in the order given) belong to shard s? */
int shard_has(const struct shard *s, size_t i);

#endif
