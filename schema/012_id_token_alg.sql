-- How a realm's ID tokens are signed: 'RS256' (verifiable with the JWKS)
-- or 'none' (unsigned, what firebase-admin accepts in emulator mode).
-- NULL: a tenant follows its project, a project the daemon's
-- --id-token-alg, so changing the flag still reaches realms nobody set.
ALTER TABLE tenants ADD COLUMN id_token_alg TEXT
    CHECK (id_token_alg IS NULL OR id_token_alg IN ('RS256', 'none'));
