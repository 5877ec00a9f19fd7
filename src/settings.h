/*
 * Per project and tenant settings: what the store keeps for a realm, the
 * daemon's flags for what it leaves unset, and their JSON form (shared by
 * fixture files, the control plane and exports).
 */
#ifndef MFAEMU_SETTINGS_H
#define MFAEMU_SETTINGS_H

#include <stddef.h>

struct config;
struct json_object;
struct store_realm;

#define SETTINGS_DEFAULT_CODE_LENGTH 6
#define SETTINGS_DEFAULT_TOTP_WINDOW 1

struct settings {
	int mfa_phone;
	int mfa_totp;
	unsigned sms_code_ttl;		/* seconds */
	unsigned sms_code_length;
	unsigned max_attempts;
	unsigned credential_ttl;	/* seconds */
	unsigned totp_window;		/* steps either side */
	unsigned oob_code_ttl;		/* seconds; 0: Google's, by type */
	/* The Firebase Auth Emulator's keys (both off unless set). */
	int allow_duplicate_emails;	/* signIn.allowDuplicateEmails */
	int email_privacy;	/* emailPrivacyConfig.enableImprovedEmailPrivacy */
	/* "RS256" or "none" (static): how its ID tokens are signed. */
	const char *id_token_alg;
	/* A project's number (digits; "" for a tenant): securetoken's. */
	char project_number[20];
};

/*
 * The realm's values where set, else the daemon's. A tenant without its
 * own idTokenAlg follows its project: id_token_realm_unsigned() applies
 * that rule.
 */
void settings_effective(const struct config *cfg,
    const struct store_realm *realm, struct settings *out);

/*
 * Apply the settings members of `obj` (borrowed; other members are
 * ignored) to `realm`: "mfa": {"phone", "totp"}, "smsCodeTtlSeconds",
 * "smsCodeLength", "maxAttempts", "pendingCredentialTtlSeconds",
 * "totpAdjacentIntervals", "oobCodeTtlSeconds", "idTokenAlg" ("RS256" or
 * "none"), "projectNumber" (digits, a project's only), and the
 * Firebase Auth Emulator's "signIn":
 * {"allowDuplicateEmails"} and "emailPrivacyConfig":
 * {"enableImprovedEmailPrivacy"}; null resets a value to the default.
 * The objects among them (mfa, signIn, emailPrivacyConfig) hold only
 * their settings. On a bad value or member returns -1 with
 * "member: reason" ("mfa.sms: unknown field; ...") in err.
 */
int settings_parse(struct json_object *obj, struct store_realm *realm,
    char *err, size_t errlen);

/*
 * The same for a Google resource body (the Admin API's config), whose
 * signIn and emailPrivacyConfig carry Google's other members: those are
 * ignored.
 */
int settings_parse_lax(struct json_object *obj, struct store_realm *realm,
    char *err, size_t errlen);

/*
 * 0 when every member of `obj` is a setting settings_parse reads or one
 * of `extra` (NULL-terminated, or NULL); else -1 with "member: unknown
 * field; ..." listing the valid ones in err.
 */
int settings_known(struct json_object *obj, const char *const *extra,
    char *err, size_t errlen);

/*
 * Add the realm's own settings (only those set) to `obj` in the form
 * settings_parse reads, so exports load back to the same state.
 */
void settings_add_json(struct json_object *obj,
    const struct store_realm *realm);

/*
 * The number of project `project_id` as securetoken replies it: the
 * project realm's projectNumber if set, else a stable 12-digit number
 * derived from the id (as a real project's number is 12 digits), so two
 * projects of one daemon differ. `realm` may be NULL.
 */
void settings_project_number(const char *project_id,
    const struct store_realm *realm, char out[20]);

/* "none" when `unsigned_tokens`, else "RS256" (a static string). */
const char *settings_alg_name(int unsigned_tokens);

/* The effective settings as JSON (new object, owned), for GET config. */
struct json_object *settings_effective_json(const struct settings *s);

#endif
