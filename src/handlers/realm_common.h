/*
 * What the handlers of a realm's configuration share: its test phone
 * numbers (the Admin API's tenants, the control plane's config and
 * export), Google's MultiFactorConfig (the Admin API's project config
 * and tenants), its updateMask, and the Firebase Auth Emulator's
 * switches in the Admin API's resources. A realm is a project or one of its tenants.
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

/*
 * The body a PATCH applies under Google's updateMask (`mask`, the query's
 * comma-separated field paths, or NULL). Without a mask: `body` itself
 * (an empty object for none). With one: a new object holding, for each
 * path ("a.b.c"), the body's value there, or null where the body has
 * none: a masked field the body leaves out is reset, as Google's
 * FieldMask update does, as far as each member's parser reads null as a
 * reset (a switch named by its full path goes back to its default;
 * MultiFactorConfig's members are left as they are). A new reference
 * either way (put it); NULL with the reason in err when a path is
 * malformed.
 */
struct json_object *realm_masked_body(struct json_object *body,
    const char *mask, char *err, size_t errlen);

/*
 * Add to `dst` the members of `src` named in `names` (NULL-terminated)
 * that it has, as new references.
 */
void realm_copy_members(struct json_object *dst, struct json_object *src,
    const char *const *names);

/*
 * Apply the Firebase Auth Emulator's switches of a Google resource body
 * (borrowed; types already checked), its members named in `names` of
 * "signIn" and "emailPrivacyConfig", to `realm` as the control plane's
 * config does (settings_parse). -1 with the reason in err.
 */
int realm_switches_parse(struct json_object *body, const char *const *names,
    struct store_realm *realm, char *err, size_t errlen);

/*
 * 400 INVALID_CONFIG when a Config's blockingFunctions (NULL when absent)
 * names triggers: mfaemu calls none, and taking them silently would pass
 * a test that needs them. An empty one (the Firebase emulator's GET
 * shows {}) is accepted.
 */
int realm_no_triggers_or_reply(struct request *req,
    struct json_object *blocking);

#endif
