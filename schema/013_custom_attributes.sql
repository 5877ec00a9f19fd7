-- The Admin API's customAttributes (firebase-admin setCustomUserClaims):
-- a JSON object's text, at most 1000 bytes, that every ID token issued
-- afterwards carries as top-level claims. NULL: none.
ALTER TABLE users ADD COLUMN custom_attributes TEXT
    CHECK (custom_attributes IS NULL OR length(custom_attributes) <= 1000);
