-- The as-of list's search (docs/decisions/027-trigram-search-of-user-versions.md): a substring of the
-- lower-cased name or of the email, among the versions current at an instant. Trigram indexes find
-- the versions that can contain it without reading every version; the query's LIKE rechecks each
-- one, so the answer stays exactly the fold's. pg_trgm ships with PostgreSQL (a trusted extension:
-- the database's owner may create it) and with PGlite (loaded when it is opened, lib/db/open.ts).
-- Not expressible in schema.prisma (an operator class of an extension), like the partial indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "user_versions_name_lower_trgm_idx" ON "user_versions" USING gin ("name_lower" gin_trgm_ops);
CREATE INDEX "user_versions_email_trgm_idx" ON "user_versions" USING gin ("email" gin_trgm_ops);
