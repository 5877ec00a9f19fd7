/*
 * One user from JSON into the store: check it, then insert it with its
 * password and its second factors. The fixture loader, the Firebase
 * export import and the Admin API's create and batchCreate all come here,
 * so a user is the same whichever way it came in. Everything runs inside
 * the caller's store transaction; on failure the caller rolls back (or
 * undoes its savepoint), since a user may be half inserted.
 *
 * The JSON is a fixture user (CONTRACT section 9): localId, email,
 * password or passwordHash and salt, displayName, phoneNumber,
 * emailVerified, disabled, createdAt, validSince, tenantId and mfaInfo
 * (phoneInfo or totpInfo entries).
 */
#ifndef MFAEMU_USER_IMPORT_H
#define MFAEMU_USER_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "errors.h"

struct emu;
struct json_object;
struct reqparse_field;
struct store_user;

/*
 * Why a user was refused: the code a handler replies with, where (a JSON
 * path relative to what was imported: "" for the user itself,
 * "mfaInfo[1].totpInfo" below it, "[1]" for an entry of a factor list)
 * and the reason in words.
 */
struct user_import_error {
	enum err_code code;
	char path[128];
	char detail[384];
};

/*
 * One batch of users (a fixture document, an export, a request) in one
 * project. A user already stored before the batch began is kept as
 * stored and counted as skipped (on_existing SKIP or FAIL, the caller
 * refusing the batch for FAIL), so loading the same file twice is safe;
 * or, with REPLACE, deleted with all that hangs off it (factors, refresh
 * tokens, pending credentials) and imported afresh, its validSince now
 * unless the JSON sets one, so that sessions end as after an Admin
 * password change. One given twice within the batch is refused.
 */
struct user_import {
	struct emu *emu;
	const char *project;		/* borrowed */
	int64_t now;			/* ms: createdAt, enrolledAt default */
	int64_t stored_max_id;		/* higher row ids are this batch's */
	struct json_object *seen_skipped;	/* "tenant/localId" set */
	enum config_on_existing on_existing;	/* set after begin */
	/*
	 * Arrays (borrowed; NULL: not kept) that get {"projectId",
	 * "tenantId" (not for the project's own users), "localId"} for each
	 * user skipped or replaced.
	 */
	struct json_object *skipped_ids, *replaced_ids;
	size_t users;			/* new users inserted */
	size_t enrollments;
	size_t skipped;
	size_t replaced;
};

/*
 * Where an Admin API user goes. A file names the localId and tenantId in
 * the user's members and may set validSince; the Admin API names the
 * tenant in its URL and the localId itself (making one when the request
 * has none), so those members are not read.
 */
struct user_import_target {
	const char *tenant;		/* "" for the project */
	const char *local_id;
};

enum user_import_result {
	USER_IMPORT_FAILED = -1,	/* see the error */
	USER_IMPORT_INSERTED,		/* or replaced a stored one (REPLACE) */
	USER_IMPORT_SKIPPED,		/* stored before the batch: kept */
};

/* Start a batch (project borrowed); -1 with a store error in err. */
int user_import_begin(struct user_import *imp, struct emu *emu,
    const char *project, struct user_import_error *err);

void user_import_end(struct user_import *imp);

/*
 * Check and insert the user `user` (borrowed JSON). `target` is NULL for
 * a file's user, whose tenant must already be stored.
 */
enum user_import_result user_import_user(struct user_import *imp,
    struct json_object *user, const struct user_import_target *target,
    struct user_import_error *err);

/*
 * Check and add the factors of `mfa_info` (borrowed JSON array of mfaInfo
 * entries) to stored user `u`. Returns 0 or -1; error paths start at the
 * entry ("[1]", "[1].totpInfo").
 */
int user_import_enrollments(struct user_import *imp,
    const struct store_user *u, struct json_object *mfa_info,
    struct user_import_error *err);

/*
 * Type-check the members of `obj` (borrowed) named in the table, then its
 * required ones, as every imported document is checked. Returns 0, or -1
 * with err's detail "expected an object", "Invalid value at 'name'
 * (TYPE_X)" or the required field's missing_detail, and path "".
 */
int user_import_fields(struct json_object *obj,
    const struct reqparse_field *f, size_t n, struct user_import_error *err);

/*
 * The error as one line, "where: reason": `where` is `base` (the caller's
 * name for what it imported, like "$.users[3]" or "mfa.enrollments"; ""
 * for none) joined with the error's path. Just the reason when both are
 * empty.
 */
void user_import_error_text(const struct user_import_error *err,
    const char *base, char *out, size_t outlen);

/*
 * Append {"projectId", "tenantId" (when not ""), key: id} to `list`
 * (NULL: nothing): how fixture reports name what they skipped or replaced.
 */
void user_import_note_id(struct json_object *list, const char *project,
    const char *tenant, const char *key, const char *id);

/* 1 for a localId, enrollment or project id: printable, no '/' or ' '. */
int user_import_valid_id(const char *s);

/* 1 for a tenant id: letters, digits, '-' and '_'. */
int user_import_valid_tenant_id(const char *s);

#endif
