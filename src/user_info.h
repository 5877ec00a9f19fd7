/*
 * A stored user as Identity Toolkit's UserInfo renders it: what
 * accounts:lookup, the Admin API and Firebase emulator exports share.
 */
#ifndef MFAEMU_USER_INFO_H
#define MFAEMU_USER_INFO_H

struct json_object;
struct store;
struct store_user;

enum user_info_view {
	/* The Admin API and exports: passwordHash and salt as stored. */
	USER_INFO_ADMIN,
	/*
	 * The user's own accounts:lookup: passwordHash is Google's redacted
	 * marker (base64 "REDACTED", which firebase-admin reads as absent)
	 * and there is no salt.
	 */
	USER_INFO_SELF,
};

/*
 * The user as a new object (owned), its providerUserInfo read from the
 * store inside the caller's transaction; `mfa_info` (consumed) is
 * attached as "mfaInfo" when it is not empty. NULL on a store error.
 */
struct json_object *user_info_json(struct store *st,
    const struct store_user *u, struct json_object *mfa_info,
    enum user_info_view view);

#endif
