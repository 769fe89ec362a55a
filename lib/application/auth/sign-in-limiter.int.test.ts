// The sign-in limiter counts in the database: atomically, shared by every server process, bounded
// by age rather than by evicting keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, type Database } from "@/lib/db/database";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";
import { countSignInAttempt, forgetSignInAttempts, type SignInLimits } from "./sign-in-limiter";

const minute = 60_000;
const limits: SignInLimits = { perEmail: 5, perAddress: 8, windowMs: 15 * minute };
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 12, 0) + minutes * minute);

describe.each(testBackends())("sign-in limiter on $name", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  const attempt = (email: string, address?: string, now = at(0)) =>
    countSignInAttempt(database, { email, address }, limits, now);

  it("lets five attempts on an email through and refuses the next until the window ends", async () => {
    for (let i = 0; i < 5; i++) expect(await attempt("five@rewind.test", undefined, at(i))).toBe(0);
    expect(await attempt("five@rewind.test", undefined, at(5))).toBe(10 * minute);
    // Refused attempts do not push the end of the window further.
    expect(await attempt("five@rewind.test", undefined, at(14))).toBe(1 * minute);
    expect(await attempt("five@rewind.test", undefined, at(15))).toBe(0);
  });

  it("counts the same email however it is typed", async () => {
    for (let i = 0; i < 5; i++) expect(await attempt(i % 2 ? " Case@Rewind.Test " : "case@rewind.test")).toBe(0);
    expect(await attempt("CASE@rewind.test")).toBeGreaterThan(0);
  });

  it("never refuses an email for attempts on other emails, from no address or from one address under its limit", async () => {
    for (let i = 0; i < 40; i++) await attempt(`made-up-${i}@rewind.test`);
    for (let i = 0; i < 7; i++) await attempt(`made-up-${i}@rewind.test`, "203.0.113.7");
    expect(await attempt("real-admin@rewind.test")).toBe(0);
    expect(await attempt("real-admin@rewind.test", "203.0.113.7")).toBe(0);
  });

  it("refuses a trusted address past its own, higher limit, whatever the email, and no other address", async () => {
    for (let i = 0; i < 8; i++) expect(await attempt(`spray-${i}@rewind.test`, "198.51.100.1")).toBe(0);
    expect(await attempt("spray-9@rewind.test", "198.51.100.1")).toBeGreaterThan(0);
    expect(await attempt("spray-9@rewind.test", "198.51.100.2")).toBe(0);
  });

  it("lets at most five of eight parallel attempts through", async () => {
    const waits = await Promise.all(Array.from({ length: 8 }, () => attempt("parallel@rewind.test")));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
  });

  it("forgets an email's attempts after a success, not its address's", async () => {
    for (let i = 0; i < 5; i++) await attempt("success@rewind.test", "192.0.2.9");
    await forgetSignInAttempts(database, " Success@rewind.test");
    expect(await attempt("success@rewind.test")).toBe(0);
    const [address] = await database.query<{ attempts: number }>(
      "SELECT attempts FROM sign_in_attempts WHERE kind = 'address'",
    );
    expect(address).toBeDefined();
  });

  it("keeps no email or address in clear", async () => {
    await attempt("clear@rewind.test", "192.0.2.77");
    const rows = await database.query<{ key: string }>("SELECT key FROM sign_in_attempts");
    expect(rows.map((row) => row.key).join(" ")).not.toMatch(/clear|192\.0\.2\.77/);
  });

  it("prunes rows by age only: a flood of made-up emails never evicts a live lockout", async () => {
    const later = 24 * 60;
    for (let i = 0; i < 6; i++) await attempt("locked@rewind.test", undefined, at(later));
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => attempt(`flood-${i}@rewind.test`, undefined, at(later + 1))),
    );
    expect(await attempt("locked@rewind.test", undefined, at(later + 2))).toBe(13 * minute);
    // Everything from earlier windows is gone; the table holds this window's keys, nothing older.
    const [oldest] = await database.query<{ oldest: Date }>(
      "SELECT min(window_started_at) AS oldest FROM sign_in_attempts",
    );
    expect(oldest!.oldest.getTime()).toBeGreaterThanOrEqual(at(later).getTime());
    // Once their window has passed, the next new window prunes them.
    await attempt("after@rewind.test", undefined, at(later + 30));
    const [{ count }] = (await database.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM sign_in_attempts",
    )) as [{ count: number }];
    expect(count).toBe(1);
  });

  it.runIf(backend.name === "postgres")("shares one count between two server processes on one database", async () => {
    // A second pool on the same database stands for a second server process.
    const other: Database = createPostgresDatabase(database.url!, { maxConnections: 4 });
    try {
      const now = at(3 * 24 * 60);
      const both = [database, other];
      const waits = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          countSignInAttempt(both[i % 2]!, { email: "shared@rewind.test" }, limits, now),
        ),
      );
      expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
      expect(await countSignInAttempt(other, { email: "shared@rewind.test" }, limits, now)).toBeGreaterThan(0);
      expect(await countSignInAttempt(database, { email: "shared@rewind.test" }, limits, now)).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
