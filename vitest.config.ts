import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // The request log is tested where it matters (observability tests read it from a stream).
    env: { LOG_LEVEL: "silent" },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["**/*.unit.test.ts"], exclude: ["node_modules/**", ".next/**"] },
      },
      {
        extends: true,
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts its own PGlite (a few seconds, a few hundred MB): two at a time fits 2 cores.
          maxWorkers: 2,
          // Snapshots every 3 versions, so that the API's reads go through them in every test.
          env: { REWIND_SNAPSHOT_EVERY: "3" },
        },
      },
      {
        extends: true,
        test: {
          // npm run test:faults: the production server and PostgreSQL clusters of their own, killed
          // and restarted on purpose. One file at a time: each loads the machine fully.
          name: "faults",
          include: ["**/*.faults.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
