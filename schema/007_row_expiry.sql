-- Outbox entries and used TOTP steps carry their own expiry, so the pruner
-- drops each when it can no longer matter, not after one fixed age.
--
-- An outbox entry lasts as long as its session: a realm's smsCodeTtlSeconds
-- may be far longer than the daemon's --sms-code-ttl, and the code must
-- stay listed while it still finalizes.
ALTER TABLE sms_outbox ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE sms_outbox SET expires_at = coalesce(
    (SELECT s.expires_at FROM sms_sessions s
        WHERE s.session_info = sms_outbox.session_info),
    (SELECT e.expires_at FROM enrollment_sessions e
        WHERE e.session_info = sms_outbox.session_info),
    created_at);
DROP INDEX sms_outbox_created;
CREATE INDEX sms_outbox_expiry ON sms_outbox (expires_at);

-- A used step must stay recorded while any window could accept it again:
-- with a 300 s period and a wide window that is longer than an hour.
-- Rows written before this migration get the rule totp.c applies now
-- (the end of step + 10, the widest window, at the enrollment's period),
-- and never less than the hour they were kept for before.
ALTER TABLE totp_used_steps ADD COLUMN expires_at INTEGER NOT NULL
    DEFAULT 0;
UPDATE totp_used_steps SET expires_at = max(used_at + 3600000,
    coalesce((SELECT (totp_used_steps.step + 11) * e.totp_period * 1000
        FROM mfa_enrollments e WHERE e.id = totp_used_steps.enrollment),
    0));
DROP INDEX totp_used_steps_used;
CREATE INDEX totp_used_steps_expiry ON totp_used_steps (expires_at);
