-- API token scopes (docs/decisions/010-api-token-scopes.md). Tokens made before scopes existed keep
-- what services used them for, reading and commands (read, write), and lose erasure and the admin
-- routes: an admin creates a new token for those. New tokens always name their scopes.
ALTER TABLE "api_tokens" ADD COLUMN "scopes" TEXT[] NOT NULL DEFAULT ARRAY['read', 'write']::TEXT[];
ALTER TABLE "api_tokens" ALTER COLUMN "scopes" DROP DEFAULT;
