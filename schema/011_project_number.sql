-- A project's number: what securetoken's token reply carries as
-- project_id, as production and the Firebase Auth Emulator send it (a
-- number, not the project's id). NULL: a stable number derived from the
-- project id (settings_project_number). Only a project's row (tenant_id
-- '') has one; its tenants share it.
ALTER TABLE tenants ADD COLUMN project_number TEXT
    CHECK (project_number IS NULL OR (length(project_number) BETWEEN 1
        AND 19 AND project_number NOT GLOB '*[^0-9]*'));
