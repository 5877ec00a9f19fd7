/*
 * What the handlers of a realm's configuration share: its test phone
 * numbers (the Admin API's tenants, the control plane's config and
 * export) and Google's MultiFactorConfig (the Admin API's project config
 * and tenants). A realm is a project or one of its tenants.
 */
#ifndef MFAEMU_HANDLERS_REALM_COMMON_H
#define MFAEMU_HANDLERS_REALM_COMMON_H

#include <stddef.h>

struct json_object;
struct request;
struct store;
struct store_realm;

/* 400 INVALID_PROJECT_ID when the path's project id is too long to store. */
int realm_project_id_or_reply(struct request *req);

/*
 * Add the realm's test numbers to `numbers` (borrowed) as {phone: code}.
 * Returns a store result.
 */
int realm_test_numbers_list(struct store *st, const struct store_realm *realm,
    struct json_object *numbers);

/*
 * The first phone of a {phone: code} object (borrowed; NULL is none) that
 * is not an E.164 number mapped to a 6-digit code (borrowed), or NULL
 * when all are. Callers word the error in their own API's terms.
 */
const char *realm_test_numbers_invalid(struct json_object *numbers);

/*
 * Replace the realm's test numbers with `numbers` (borrowed, checked by
 * realm_test_numbers_invalid). Returns a store result.
 */
int realm_test_numbers_replace(struct store *st,
    const struct store_realm *realm, struct json_object *numbers);

/* Google's MultiFactorConfig for a realm (new object, owned). */
struct json_object *realm_mfa_config_json(const struct store_realm *realm);

/*
 * Apply a MultiFactorConfig (borrowed) to `realm`: state and
 * enabledProviders switch SMS factors, a totpProviderConfig's state
 * switches TOTP and its adjacentIntervals is the TOTP window. On a bad
 * value returns -1 with the reason in err.
 */
int realm_mfa_config_parse(struct json_object *m, struct store_realm *realm,
    char *err, size_t errlen);

#endif
