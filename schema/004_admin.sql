-- What the Admin API keeps beside the emulator's own state.
ALTER TABLE tenants ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN custom_attributes TEXT;
CREATE INDEX users_phone ON users (project_id, tenant_id, phone_number)
    WHERE phone_number IS NOT NULL;
