-- mfaemu store, version 1. Times are unix milliseconds of the emulator clock.
-- Invariants:
--  * a pending credential is used at most once: used_at goes from NULL to a
--    time in the same transaction that issues tokens for it;
--  * an SMS session is consumed at most once, in that same transaction;
--  * a (enrollment, step) pair in totp_used_steps is never accepted again.

-- One row per project (tenant_id '') and per tenant: the realm a user lives
-- in, with its MFA settings.
CREATE TABLE tenants (
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    mfa_phone       INTEGER NOT NULL DEFAULT 1 CHECK (mfa_phone IN (0, 1)),
    mfa_totp        INTEGER NOT NULL DEFAULT 1 CHECK (mfa_totp IN (0, 1)),
    PRIMARY KEY (project_id, tenant_id)
) WITHOUT ROWID;

CREATE TABLE test_phone_numbers (
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    phone_number    TEXT    NOT NULL,
    code            TEXT    NOT NULL,
    PRIMARY KEY (project_id, tenant_id, phone_number),
    FOREIGN KEY (project_id, tenant_id)
        REFERENCES tenants (project_id, tenant_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    local_id        TEXT    NOT NULL,
    email           TEXT,
    password_salt   BLOB,
    password_hash   BLOB,
    display_name    TEXT,
    phone_number    TEXT,
    email_verified  INTEGER NOT NULL DEFAULT 0,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    valid_since     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (project_id, tenant_id, local_id),
    FOREIGN KEY (project_id, tenant_id)
        REFERENCES tenants (project_id, tenant_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX users_email
    ON users (project_id, tenant_id, email COLLATE NOCASE)
    WHERE email IS NOT NULL;

CREATE TABLE mfa_enrollments (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    enrollment_id   TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('phone', 'totp')),
    display_name    TEXT,
    enrolled_at     INTEGER NOT NULL,
    phone_number    TEXT,
    totp_secret     BLOB,
    totp_algorithm  TEXT,
    totp_digits     INTEGER,
    totp_period     INTEGER,
    UNIQUE (user_id, enrollment_id),
    CHECK (kind = 'totp' OR phone_number IS NOT NULL),
    CHECK (kind = 'phone' OR (totp_secret IS NOT NULL AND
        totp_digits BETWEEN 6 AND 8 AND totp_period > 0))
);

CREATE TABLE pending_credentials (
    credential      TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    sign_in_provider TEXT   NOT NULL DEFAULT 'password',
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX pending_credentials_expiry ON pending_credentials (expires_at);

CREATE TABLE sms_sessions (
    session_info    TEXT    PRIMARY KEY,
    credential      TEXT    NOT NULL
        REFERENCES pending_credentials (credential) ON DELETE CASCADE,
    enrollment      INTEGER NOT NULL
        REFERENCES mfa_enrollments (id) ON DELETE CASCADE,
    phone_number    TEXT    NOT NULL,
    code            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    consumed_at     INTEGER
) WITHOUT ROWID;
CREATE INDEX sms_sessions_credential ON sms_sessions (credential);
CREATE INDEX sms_sessions_expiry ON sms_sessions (expires_at);

CREATE TABLE sms_outbox (
    id              INTEGER PRIMARY KEY,
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    phone_number    TEXT    NOT NULL,
    code            TEXT    NOT NULL,
    session_info    TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX sms_outbox_realm ON sms_outbox (project_id, tenant_id, id);

CREATE TABLE totp_used_steps (
    enrollment      INTEGER NOT NULL
        REFERENCES mfa_enrollments (id) ON DELETE CASCADE,
    step            INTEGER NOT NULL,
    used_at         INTEGER NOT NULL,
    PRIMARY KEY (enrollment, step)
) WITHOUT ROWID;

CREATE TABLE android_proofs (
    proof           TEXT    PRIMARY KEY,
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    phone_number    TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE refresh_tokens (
    token           TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sign_in_provider TEXT   NOT NULL,
    second_factor   TEXT,
    enrollment_id   TEXT,
    auth_time       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE signing_keys (
    kid             TEXT    PRIMARY KEY,
    private_pem     TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) WITHOUT ROWID;
