/*
 * What the mfaEnrollment routes share: the checks Google makes before a
 * second factor may be added, in order, inside the store transaction.
 */
#ifndef MFAEMU_HANDLERS_MFA_ENROLLMENT_COMMON_H
#define MFAEMU_HANDLERS_MFA_ENROLLMENT_COMMON_H

#include "handlers/account.h"
#include "store.h"

/* Google allows this many second factors per user. */
#define ENROLLMENT_MAX_FACTORS 5
/* Enrolling needs a sign-in at most this old (emulator clock). */
#define ENROLLMENT_RECENT_LOGIN_S 300
/* A TOTP enrollment session lives this long (phone: the SMS code TTL). */
#define ENROLLMENT_SESSION_TTL_S 600

/*
 * The user may enroll a `kind` factor: eligible first factor, recent
 * sign-in, verified email, factor enabled, fewer than the maximum
 * factors, and (for a phone) not that number already.
 */
int enrollment_allowed_or_reply(struct request *req, struct account_ctx *ctx,
    enum store_factor kind, const char *phone);

#endif
