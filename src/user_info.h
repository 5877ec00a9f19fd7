/*
 * A stored user as Identity Toolkit's UserInfo renders it: what
 * accounts:lookup, the Admin API and Firebase emulator exports share.
 */
#ifndef MFAEMU_USER_INFO_H
#define MFAEMU_USER_INFO_H

struct json_object;
struct store_user;

/*
 * The user as a new object (owned); `mfa_info` (consumed) is attached as
 * "mfaInfo" when it is not empty.
 */
struct json_object *user_info_json(const struct store_user *u,
    struct json_object *mfa_info);

#endif
