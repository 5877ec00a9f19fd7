/* Every route handler. Each replies exactly once. */
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
void securetoken_token(struct request *req);
void recaptcha_config(struct request *req);

/* Public keys of the token signer (keys.c) */
void keys_jwks(struct request *req);
void keys_x509(struct request *req);

/* Firebase-emulator-compatible and control endpoints (emulator.c) */
void emulator_root(struct request *req);
void emulator_verification_codes(struct request *req);
void emulator_delete_accounts(struct request *req);
void emulator_clock_get(struct request *req);
void emulator_clock_post(struct request *req);
void emulator_mint_credential(struct request *req);

/* The Admin API (admin_accounts.c, admin_config.c) */
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

/* mfaemu's control plane (control.c, control_export.c) */
void control_reset(struct request *req);
void control_fixtures(struct request *req);
void control_export(struct request *req);
void control_config_get(struct request *req);
void control_config_patch(struct request *req);
void control_clear_codes(struct request *req);
void control_faults_list(struct request *req);
void control_faults_add(struct request *req);
void control_faults_clear(struct request *req);
void control_faults_delete(struct request *req);
void control_events_list(struct request *req);
void control_events_clear(struct request *req);

#endif
