-- Second factors being enrolled (mfaEnrollment:start until :finalize).
-- A phone session holds the SMS code sent to the new number; a TOTP
-- session holds the secret the app shows as a QR code.
CREATE TABLE enrollment_sessions (
    session_info    TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('phone', 'totp')),
    phone_number    TEXT,
    code            TEXT,
    totp_secret     BLOB,
    totp_algorithm  TEXT,
    totp_digits     INTEGER,
    totp_period     INTEGER,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    consumed_at     INTEGER,
    CHECK (kind = 'totp' OR (phone_number IS NOT NULL AND code IS NOT NULL)),
    CHECK (kind = 'phone' OR totp_secret IS NOT NULL)
) WITHOUT ROWID;
CREATE INDEX enrollment_sessions_expiry ON enrollment_sessions (expires_at);
