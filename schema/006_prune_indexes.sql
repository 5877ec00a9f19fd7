-- Indexes for the pruner and for cascading deletes.
--
-- The pruner deletes expired rows in small batches; each batch must find
-- its rows without scanning the table, or a large outbox stalls every
-- request for as long as the scan holds the store lock.
CREATE INDEX sms_outbox_created ON sms_outbox (created_at);
CREATE INDEX totp_used_steps_used ON totp_used_steps (used_at);
CREATE INDEX android_proofs_expiry ON android_proofs (expires_at);

-- With foreign_keys = ON, deleting a parent row looks up its children:
-- without these, deleting a user or an enrollment (reset, admin delete,
-- withdraw) scanned the child table once per deleted row.
CREATE INDEX pending_credentials_user ON pending_credentials (user_id);
CREATE INDEX sms_sessions_enrollment ON sms_sessions (enrollment);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX enrollment_sessions_user ON enrollment_sessions (user_id);
