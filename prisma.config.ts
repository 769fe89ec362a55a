// Prisma CLI configuration. Only `prisma generate` runs on machines without network access;
// migrations are applied by lib/db/migrate.ts (see docs/decisions/002-own-migration-runner.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/rewind" },
});
