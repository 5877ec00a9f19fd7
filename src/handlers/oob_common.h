/*
 * What the out-of-band code routes share (accounts_send_oob_code.c,
 * accounts_reset_password.c, accounts_sign_in_with_email_link.c,
 * accounts_update_oob.c, emulator_oob_codes.c): the code types and their
 * lifetimes, issuing a code with its link, and finding the code a request
 * names.
 */
#ifndef MFAEMU_HANDLERS_OOB_COMMON_H
#define MFAEMU_HANDLERS_OOB_COMMON_H

#include <stdint.h>

#include "store.h"

struct request;
struct settings;

/* The longest continueUrl taken (so every link fits its store field). */
#define OOB_CONTINUE_URL_MAX 512

/* What a new code is for; every string borrowed. */
struct oob_new {
	const char *project;
	const char *tenant;		/* "" for the project */
	const char *request_type;	/* Google's enum name */
	/*
	 * The address the code is sent to; new_email (else NULL) the one
	 * VERIFY_AND_CHANGE_EMAIL changes it to. A RECOVER_EMAIL code goes
	 * to the old address (email) and finds the user by the address it
	 * was changed to (new_email).
	 */
	const char *email;
	const char *new_email;
	const char *continue_url;	/* NULL: none */
};

/*
 * 1 when `type` is a request type with codes (VERIFY_EMAIL,
 * PASSWORD_RESET, EMAIL_SIGNIN, VERIFY_AND_CHANGE_EMAIL, RECOVER_EMAIL).
 */
int oob_type_known(const char *type);

/* 1 when `url` is an absolute URL of at most OOB_CONTINUE_URL_MAX bytes. */
int oob_continue_url_valid(const char *url);

/*
 * Inside the transaction: a new code for `n`, its link on this daemon's
 * URL, expiring after the realm's oobCodeTtlSeconds or Google's lifetime
 * for its type; stored and logged. 0, or -1 after ending the transaction
 * and replying.
 */
int oob_issue_or_reply(struct request *req, const struct oob_new *n,
    const struct settings *set, int64_t now, struct store_oob *out);

/*
 * Inside the transaction: the unused code `code` of the realm (project,
 * tenant), read into *out. Unknown, used or another realm's:
 * INVALID_OOB_CODE; past its expiry: EXPIRED_OOB_CODE. 0, or -1 after
 * ending the transaction and replying.
 */
int oob_code_or_reply(struct request *req, const char *code,
    const char *project, const char *tenant, int64_t now,
    struct store_oob *out);

/*
 * Inside the transaction: the realm's effective settings; a realm with no
 * row yet has the defaults. A store result.
 */
int oob_realm_settings(struct request *req, const char *project,
    const char *tenant, struct settings *out);

#endif
