/*
 * Every route handler. Each replies exactly once.
 *
 * The files of src/handlers follow one rule: one resource per file. A
 * resource is a path of router.c's table with the methods it takes; the
 * file is named for it and its handlers for it and their method. The
 * control plane's resources take several methods (/emulator/v1/faults:
 * GET, POST, DELETE in control_faults.c); each of Google's custom methods
 * is a path of its own (/v2/accounts/mfaSignIn:start), so the Google
 * APIs' files hold one handler each (mfa_signin_start.c). Under
 * /emulator/v1 the prefix says whose endpoint it is, as router.c names
 * the routes: emulator_ for the Firebase Auth Emulator's, control_ for
 * mfaemu's own (a method mfaemu adds to a Firebase path, DELETE
 * .../verificationCodes, is control_'s). txn.c, account.c and *_common.c
 * hold no handler: they hold what several handler files share.
 */
#ifndef MFAEMU_HANDLERS_H
#define MFAEMU_HANDLERS_H

struct request;

/* accounts.mfaSignIn (mfa_signin_start.c, mfa_signin_finalize.c) */
void mfa_signin_start(struct request *req);
void mfa_signin_finalize(struct request *req);

/* accounts.mfaEnrollment (mfa_enrollment_*.c) */
void mfa_enrollment_start(struct request *req);
void mfa_enrollment_finalize(struct request *req);
void mfa_enrollment_withdraw(struct request *req);

/* First factor and account routes (accounts_*.c, token.c) */
void accounts_sign_up(struct request *req);
void accounts_sign_in_with_password(struct request *req);
void accounts_lookup(struct request *req);
void accounts_sign_in_with_idp(struct request *req);
void accounts_create_auth_uri(struct request *req);
void accounts_sign_in_with_custom_token(struct request *req);
/* accounts:update: the idToken branch; a body with oobCode goes to
 * accounts_update_oob. */
void accounts_update(struct request *req);
void accounts_delete(struct request *req);

/* Out-of-band codes (accounts_send_oob_code.c and the routes applying them) */
void accounts_send_oob_code(struct request *req);
void accounts_reset_password(struct request *req);
void accounts_sign_in_with_email_link(struct request *req);
/* Not a route: accounts:update's handler calls it for a body with oobCode. */
void accounts_update_oob(struct request *req);
void securetoken_token(struct request *req);
void recaptcha_config(struct request *req);

/* Public keys of the token signer (keys.c) */
void keys_jwks(struct request *req);
void keys_x509(struct request *req);

/* The Firebase Auth Emulator's own endpoints (emulator_*.c) */
void emulator_root(struct request *req);
void emulator_ui_redirect(struct request *req);
void emulator_ui_index(struct request *req);
void emulator_ui_asset(struct request *req);
void control_catalog(struct request *req);
void emulator_verification_codes_list(struct request *req);
void emulator_oob_codes_list(struct request *req);
void emulator_accounts_delete(struct request *req);

/* The Admin API (admin_accounts*.c, admin_config.c, admin_tenants.c) */
void admin_accounts_create(struct request *req);
void admin_accounts_lookup(struct request *req);
void admin_accounts_update(struct request *req);
void admin_accounts_delete(struct request *req);
void admin_accounts_batch_create(struct request *req);
void admin_accounts_batch_delete(struct request *req);
void admin_accounts_batch_get(struct request *req);
void admin_config_get(struct request *req);
void admin_config_patch(struct request *req);
void admin_tenants_create(struct request *req);
void admin_tenants_get(struct request *req);
void admin_tenants_list(struct request *req);
void admin_tenants_patch(struct request *req);
void admin_tenants_delete(struct request *req);

/* mfaemu's control plane (control_*.c) */
void control_state_reset(struct request *req);
void control_fixtures_load(struct request *req);
void control_export(struct request *req);
void control_config_get(struct request *req);
void control_config_patch(struct request *req);
void control_verification_codes_clear(struct request *req);
void control_oob_codes_clear(struct request *req);
void control_clock_get(struct request *req);
void control_clock_set(struct request *req);
void control_credentials_mint(struct request *req);
void control_refresh_tokens_list(struct request *req);
void control_faults_list(struct request *req);
void control_faults_add(struct request *req);
void control_faults_clear(struct request *req);
void control_faults_delete(struct request *req);
void control_events_list(struct request *req);
void control_events_clear(struct request *req);

#endif
