-- Per project and tenant settings that the control plane and fixtures set.
-- NULL means "the daemon's default" (its flags), so changing a flag still
-- reaches realms nobody configured.
ALTER TABLE tenants ADD COLUMN sms_code_ttl INTEGER
    CHECK (sms_code_ttl IS NULL OR sms_code_ttl > 0);
ALTER TABLE tenants ADD COLUMN sms_code_length INTEGER
    CHECK (sms_code_length IS NULL OR sms_code_length BETWEEN 4 AND 8);
ALTER TABLE tenants ADD COLUMN max_attempts INTEGER
    CHECK (max_attempts IS NULL OR max_attempts > 0);
ALTER TABLE tenants ADD COLUMN credential_ttl INTEGER
    CHECK (credential_ttl IS NULL OR credential_ttl > 0);
ALTER TABLE tenants ADD COLUMN totp_window INTEGER
    CHECK (totp_window IS NULL OR totp_window BETWEEN 0 AND 10);
