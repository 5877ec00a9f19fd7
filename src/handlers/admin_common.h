/*
 * What the Admin API's account routes (admin_accounts_*.c) share: the
 * realm their URL names, and creating one user by the Admin API's rules
 * and then the user importer's.
 */
#ifndef MFAEMU_HANDLERS_ADMIN_COMMON_H
#define MFAEMU_HANDLERS_ADMIN_COMMON_H

#include <stddef.h>

#include "errors.h"
#include "store.h"

struct json_object;
struct request;
struct user_import;

/* batchCreate and batchDelete take at most this many users each. */
#define ADMIN_BATCH_MAX_USERS 1000

/* The project or tenant of /v1/projects/{p}[/tenants/{t}]/accounts... */
struct admin_realm {
	const char *project;
	const char *tenant;	/* "" for the project */
};

/* The realm of the request's URL (borrowed from its captures). */
void admin_realm_of(struct request *req, struct admin_realm *r);

/*
 * Inside the transaction: the realm must exist (a project is made on
 * first use, a tenant is not: TENANT_NOT_FOUND).
 */
int admin_realm_exists_or_reply(struct request *req,
    const struct admin_realm *r);

/*
 * The Admin API's lookup in realm `r` (borrowed): the users the body's
 * localId, email and phoneNumber lists name. Replies. The v1
 * accounts:lookup route calls it for an admin caller without an idToken.
 */
void admin_lookup_in(struct request *req, const struct admin_realm *r);

/* Member `k` of `o` when it is a string (borrowed from o), else NULL. */
const char *admin_str_member(struct json_object *o, const char *k);

/* 1 when every phoneInfo of `mfa` (mfaInfo entries, borrowed) is E.164. */
int admin_mfa_phones_valid(struct json_object *mfa);

/*
 * Inside the transaction: create one user in `r` from an Identity
 * Toolkit UserInfo-shaped object (borrowed), through `imp`. Without a
 * localId one is made. Returns ERR__NONE with the localId in uid_out, or
 * the code to reply with and its detail; the caller undoes the
 * transaction (or savepoint), as the user may be half inserted.
 */
enum err_code admin_create_user(struct user_import *imp,
    const struct admin_realm *r, struct json_object *in,
    char uid_out[STORE_ID_MAX + 1], char *detail, size_t dlen);

/*
 * Inside the transaction: delete the user `uid` of `r` (:delete and
 * :batchDelete). A store result (STORE_NOT_FOUND: no such user).
 */
int admin_delete_user(struct store *st, const struct admin_realm *r,
    const char *uid);

#endif
