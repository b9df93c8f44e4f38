/* registry.c — one row per check; adding a check means adding a row here, never a branch. */
#include "registry.h"

#include <string.h>

#include "util.h"

extern const struct check check_tls_protocols;
extern const struct check check_tls_ciphers;
extern const struct check check_tls_groups;
extern const struct check check_tls_features;
extern const struct check check_cert_chain;
extern const struct check check_cert_hostname;
extern const struct check check_cert_expiry;
extern const struct check check_cert_key;
extern const struct check check_cert_signature;
extern const struct check check_cert_ocsp;
extern const struct check check_headers_hsts;
extern const struct check check_cookies_attributes;
extern const struct check check_headers_content_type_options;
extern const struct check check_headers_referrer_policy;
extern const struct check check_headers_csp;
extern const struct check check_headers_frame_options;
extern const struct check check_headers_cross_origin;
extern const struct check check_http_redirect;
extern const struct check check_http_cors;
extern const struct check check_http_info_leak;
extern const struct check check_mfa_enforced;
extern const struct check check_mfa_advertised;
extern const struct check check_oidc_discovery;
extern const struct check check_documents_crawl;
extern const struct check check_documents_unauthenticated;
extern const struct check check_documents_cross_account;
extern const struct check check_documents_enumeration;
extern const struct check check_documents_headers;
extern const struct check check_headers_cache_control;
extern const struct check check_documents_exposed_paths;
extern const struct check check_documents_listing;

static const struct check *const registry[] = {
    &check_tls_protocols,
    &check_tls_ciphers,
    &check_tls_groups,
    &check_tls_features,
    &check_cert_chain,
    &check_cert_hostname,
    &check_cert_expiry,
    &check_cert_key,
    &check_cert_signature,
    &check_cert_ocsp,
    &check_headers_hsts,
    &check_cookies_attributes,
    &check_headers_content_type_options,
    &check_headers_referrer_policy,
    &check_headers_csp,
    &check_headers_frame_options,
    &check_headers_cross_origin,
    &check_headers_cache_control,
    &check_http_redirect,
    &check_http_cors,
    &check_http_info_leak,
    &check_mfa_enforced,
    &check_mfa_advertised,
    &check_oidc_discovery,
    &check_documents_crawl,
    &check_documents_unauthenticated,
    &check_documents_cross_account,
    &check_documents_enumeration,
    &check_documents_headers,
    &check_documents_exposed_paths,
    &check_documents_listing,
};

size_t check_count(void)
{
    return sizeof registry / sizeof registry[0];
}

const struct check *check_at(size_t i)
{
    return i < check_count() ? registry[i] : NULL;
}

const struct check *check_find(const char *id)
{
    for (size_t i = 0; i < check_count(); i++)
        if (strcmp(registry[i]->id, id) == 0)
            return registry[i];
    return NULL;
}

const struct expect_key *check_expect_key(const struct check *c, const char *name)
{
    for (const struct expect_key *k = c->expect_keys; k && k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

const char *check_obs_key(const struct check *c)
{
    /* headers and cookies read the one start-page fetch, so they share its observations */
    if (strcmp(c->family, "headers") == 0 || strcmp(c->family, "cookies") == 0)
        return "http";
    return c->family;
}

const char *check_suggest(const char *id)
{
    const char *ids[sizeof registry / sizeof registry[0] + 1];
    for (size_t i = 0; i < check_count(); i++)
        ids[i] = registry[i]->id;
    ids[check_count()] = NULL;
    return closest_word(id, ids);
}
