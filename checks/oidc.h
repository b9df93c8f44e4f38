/*
 * oidc.h — the pure parts of oidc.discovery (checks/oidc.c), declared here so the unit tests
 * can reach them: reading a discovery document's bytes into observation facts, and reading
 * what one response_type value asks the authorization endpoint to return.
 */
#ifndef COC_OIDC_H
#define COC_OIDC_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"

#define OIDC_DISCOVERY_PATH "/.well-known/openid-configuration"
#define OIDC_MAX_BODY (128 * 1024) /* real documents are a few KB; more is an error */
#define OIDC_LIST_MAX 64           /* entries in one *_supported list */
#define OIDC_VALUE_MAX 256         /* bytes in one list entry */
#define OIDC_ISSUER_MAX 2048       /* bytes in the issuer URL */

/* What a response_type value (space-separated, any order) holds. */
enum oidc_rt_flag {
    OIDC_RT_CODE = 1,     /* "code": the authorization code */
    OIDC_RT_TOKEN = 2,    /* "token": an access token from the authorization endpoint */
    OIDC_RT_ID_TOKEN = 4, /* "id_token": an ID token from the authorization endpoint */
    OIDC_RT_NONE = 8,     /* "none" */
    OIDC_RT_OTHER = 16,   /* anything else (an extension, or garbage) */
};

/* The OIDC_RT_* flags of one response_type value; 0 for an empty or NULL value. Token names
 * compare ASCII case-insensitively, so an odd spelling still counts as a token. */
unsigned oidc_response_type_flags(const char *rt);

/*
 * Read a discovery document (body of len bytes, not NUL-terminated, from the network) into out:
 * issuer, and the response_types_supported, grant_types_supported,
 * code_challenge_methods_supported and token_endpoint_auth_methods_supported lists (the last
 * three only when present). 0 ok; -1 with e set when the body is not a JSON object, issuer or
 * response_types_supported (both REQUIRED) is missing, a member has the wrong type, or a value
 * exceeds the OIDC_* bounds. On failure out may hold some facts already.
 */
int oidc_discovery_parse(const char *body, size_t len, json_t *out, struct coc_error *e);

#endif
