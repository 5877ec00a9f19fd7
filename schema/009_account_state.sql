-- What Identity Toolkit keeps of an account beside its sign-in secrets:
-- the profile photo, the metadata firebase-admin reports (last sign-in,
-- last token refresh, password change), whether the email signs in by
-- link, and the identity providers linked to it.
ALTER TABLE users ADD COLUMN photo_url TEXT;
-- 0: never. lastLoginAt moves on every completed sign-in (an MFA sign-in
-- at its second factor), lastRefreshAt on every token issued.
ALTER TABLE users ADD COLUMN last_login_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_refresh_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN email_link_signin INTEGER NOT NULL DEFAULT 0
    CHECK (email_link_signin IN (0, 1));
-- Users stored before this migration: last seen when created, as mfaemu
-- reported them until now.
UPDATE users SET last_login_at = created_at;

-- Federated identities (accounts:signInWithIdp): one row per provider of
-- a user; a (provider, raw id) pair names one user of its realm.
CREATE TABLE user_providers (
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    provider_id     TEXT    NOT NULL,
    raw_id          TEXT    NOT NULL,
    federated_id    TEXT,
    email           TEXT,
    display_name    TEXT,
    photo_url       TEXT,
    screen_name     TEXT,
    PRIMARY KEY (user_id, provider_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX user_providers_identity
    ON user_providers (project_id, tenant_id, provider_id, raw_id);

-- A session's developer claims (accounts:signInWithCustomToken's
-- `claims`), a JSON object merged into every ID token the refresh token
-- gives; NULL: none.
ALTER TABLE refresh_tokens ADD COLUMN claims TEXT;
