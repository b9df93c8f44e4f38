/* cookies.h — Set-Cookie parsing of the cookies family, exposed for unit tests and fuzzing. */
#ifndef COC_COOKIES_H
#define COC_COOKIES_H

#include <jansson.h>
#include <stddef.h>

/* Browsers drop a cookie whose name and value together exceed this (RFC 6265bis §5.6 step 5). */
#define COOKIE_MAX_NAME_VALUE 4096
/* An attribute value longer than this is ignored, the attribute with it (§5.6, step 5 of the
 * attribute loop). */
#define COOKIE_MAX_ATTR_VALUE 1024
/* Bounds on what is recorded: a name longer than this is recorded truncated (name_truncated),
 * attributes after the first COOKIE_MAX_ATTRS are not read (attributes_truncated), and at most
 * COOKIE_MAX_UNKNOWN unknown attribute names of at most COOKIE_MAX_UNKNOWN_LEN bytes are listed. */
#define COOKIE_MAX_NAME_RECORD 256
#define COOKIE_MAX_ATTRS 128
#define COOKIE_MAX_UNKNOWN 16
#define COOKIE_MAX_UNKNOWN_LEN 64

/*
 * Parse one Set-Cookie value the way browsers do (RFC 6265bis §5.6 and the prefix and SameSite
 * rules of §5.7). Pure; any bytes are accepted. Returns a new object (NULL only when out of
 * memory):
 *   name, value_length        the value itself is never recorded: cookie values are secrets
 *   secure, httponly, partitioned
 *   samesite                  "Strict" | "Lax" | "None" | "invalid" (any other value: browsers
 *                             treat it as absent) | null; the last SameSite attribute wins
 *   domain?, path?            the last valid one; domain lower-cased without its leading dot;
 *                             path only when it starts with '/' (else browsers use the default)
 *   expires?, expires_at?     the last Expires that parses as a cookie date (RFC 6265 §5.1.1):
 *                             its text and Unix time; an Expires that does not parse is ignored
 *   max_age?                  the last valid Max-Age, saturated at ±10^15 seconds
 *   persistent                a valid Expires or Max-Age was given
 *   prefix, prefix_ok         "__Host-" | "__Secure-" | null (matched case-insensitively);
 *                             __Secure- needs Secure, __Host- needs Secure, Path=/ and no Domain
 *   session_like, session_reason   see below
 *   unknown_attributes?       names of attributes browsers do not know
 *   name_truncated?, attributes_truncated?   true when a bound above was hit
 *   ignored?                  why browsers drop the whole Set-Cookie (control characters, an
 *                             empty name and value, name and value over 4096 bytes, a nameless
 *                             cookie whose value starts with a prefix)
 *
 * session_like: a name guess alone is not enough (substring guesses such as "sess" or "login"
 * are a known source of false positives). A cookie is session-like when
 *   1. its name is exactly the session cookie of a known framework (PHPSESSID, JSESSIONID,
 *      ASP.NET_SessionId, ASPSESSIONID*, connect.sid, laravel_session, ci_session, .ASPXAUTH,
 *      .AspNetCore.Session, .AspNetCore.Cookies, rack.session, _session_id...), persistent or
 *      not (Laravel, for one, gives its session cookie an expiry by default); or
 *   2. its name looks like a session or credential cookie (session, sessionid, sid, *_session,
 *      *sess*, *auth*, *token*, *jwt*) and it is not persistent; or
 *   3. it is not persistent and its value looks random: at least 16 characters, all of
 *      [A-Za-z0-9+/=_.%-] (after removing one pair of surrounding quotes), with a collision
 *      entropy of at least 3 bits per character (two characters picked at random are equal
 *      with probability at most 1/8, so a hex token qualifies and "aaaa…" or a timestamp does
 *      not).
 * Anti-CSRF cookies (a name containing "csrf" or "xsrf", such as XSRF-TOKEN) are never
 * session-like: frameworks make them readable by scripts on purpose. session_reason says which
 * rule applied, or why none did.
 */
json_t *set_cookie_parse(const char *value, size_t len);

/* The Set-Cookie value with the cookie value replaced by "[redacted: N bytes]", everything else
 * as sent, as a JSON string made safe by json_string_lossy. New reference or NULL. */
json_t *set_cookie_redact(const char *value, size_t len);

/*
 * Parse every Set-Cookie of every hop of obs.chain (the http observations filled by
 * http_page_observe) into obs.cookies — each object as set_cookie_parse returns it plus url (the
 * hop), deletes (Max-Age <= 0 or Expires in the past: the server removes the cookie) and ignored
 * when its Domain does not cover the hop's host — then replace the Set-Cookie values recorded in
 * obs.chain[].headers and obs.headers by their redacted form, so no cookie value reaches a
 * report. Idempotent (does nothing once obs.cookies exists). 0 ok, -1 out of memory.
 */
int cookies_record(json_t *obs);

#endif
