/* cert_facts.h — X.509 certificates described as JSON facts for the report. */
#ifndef COC_CERT_FACTS_H
#define COC_CERT_FACTS_H

#include <jansson.h>
#include <openssl/x509.h>

/* subject, issuer, not_before, not_after, key_type, key_bits, curve, signature_algorithm,
 * signature_hash, self_signed, sha256. New reference. */
json_t *cert_facts(X509 *x);

/* cert_facts plus what is judged of the leaf: san_dns, san_ip, hostname, hostname_match,
 * days_remaining, expired, not_yet_valid. New reference. */
json_t *cert_leaf_facts(X509 *x, const char *host, int host_is_ip);

#endif
