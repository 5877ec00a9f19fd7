-- Out-of-band codes (accounts:sendOobCode): the links Identity Toolkit
-- mails to verify an email, reset a password, sign in by link or change
-- the email. A code is single use (used_at goes from NULL to a time in
-- the transaction that applies it) and scoped to its project and tenant.
-- It names no user row: like Identity Toolkit, applying a code finds the
-- user by the code's email then, and an EMAIL_SIGNIN code may be for an
-- address no user has yet. Listed in creation order (id).
CREATE TABLE oob_codes (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    project_id      TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL DEFAULT '',
    request_type    TEXT    NOT NULL CHECK (request_type IN
        ('VERIFY_EMAIL', 'PASSWORD_RESET', 'EMAIL_SIGNIN',
         'VERIFY_AND_CHANGE_EMAIL', 'RECOVER_EMAIL')),
    email           TEXT    NOT NULL,
    new_email       TEXT,
    link            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
);
CREATE INDEX oob_codes_realm ON oob_codes (project_id, tenant_id, id);
-- The pruner drops codes past their expiry in batches: no scan.
CREATE INDEX oob_codes_expiry ON oob_codes (expires_at);

-- One lifetime for every out-of-band code of the realm; NULL: Google's,
-- by type (reset 1 h, sign-in link 6 h, verify and change email 3 days).
ALTER TABLE tenants ADD COLUMN oob_code_ttl INTEGER
    CHECK (oob_code_ttl IS NULL OR oob_code_ttl > 0);

-- The Firebase Auth Emulator's config keys, per realm (a tenant has its
-- own, as Identity Toolkit's Tenant resource does). NULL: off, the
-- Firebase emulator's default.
ALTER TABLE tenants ADD COLUMN allow_duplicate_emails INTEGER
    CHECK (allow_duplicate_emails IS NULL OR allow_duplicate_emails IN (0, 1));
ALTER TABLE tenants ADD COLUMN email_privacy INTEGER
    CHECK (email_privacy IS NULL OR email_privacy IN (0, 1));
