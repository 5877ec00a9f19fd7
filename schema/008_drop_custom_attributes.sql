-- users.custom_attributes (004) was never read or written: the Admin API's
-- customAttributes and an ID token's custom claims are not implemented.
-- Dropped so that the schema says only what the code keeps; should they
-- be implemented, a migration adds the column back with its meaning.
ALTER TABLE users DROP COLUMN custom_attributes;
