-- Wrong codes per second factor, across credentials and sessions, so
-- minting new credentials does not buy an attacker new guesses.
ALTER TABLE mfa_enrollments ADD COLUMN failed_attempts INTEGER NOT NULL
    DEFAULT 0;
ALTER TABLE mfa_enrollments ADD COLUMN last_failed_at INTEGER NOT NULL
    DEFAULT 0;
