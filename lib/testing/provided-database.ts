// The set-up most integration tests share: for the tests of one describe block, a new database of
// the backend, provided to the application's services (getServices, the route handlers), and
// closed after them.
import { afterAll, beforeAll } from "vitest";
import { closeDatabase, provideDatabase } from "../db";
import type { TestBackend, TestDatabase } from "./databases";

/** Registers the block's set-up and tear-down; the function it returns gives the open database to its tests. */
export function provideTestDatabase(backend: TestBackend): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
  });
  afterAll(() => closeDatabase());
  return () => {
    if (!database) throw new Error(`The ${backend.name} test database is opened in beforeAll, before the tests`);
    return database;
  };
}
