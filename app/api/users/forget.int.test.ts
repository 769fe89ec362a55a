// The right to erasure without rewriting the log: forgetting a user destroys their key, so every
// name and email they ever had reads "[erased]" everywhere — and a dump of the whole database holds
// no plaintext of them. Their subject access export, before that, holds everything.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { getServices } from "@/lib/application/services";
import { nameChangesProjection } from "@/lib/application/users/name-changes-projection";
import { getDatabase } from "@/lib/db";
import { api, authorizedRequest, newUserInput } from "@/lib/testing/api";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";
import { provideTestDatabase } from "@/lib/testing/provided-database";
import { collect } from "@/lib/testing/event-stream";
import { postgresTool } from "@/lib/testing/pg-cluster";
import { catchUp, feedShowsEverything } from "@/lib/testing/projections";
import { GET as nameChangesCsv } from "../reports/name-changes/route";

/** Every row of every table of the schema, as text: what a logical dump would hold. */
async function dumpAllRows(database: TestDatabase): Promise<string> {
  const tables = await database.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
  );
  expect(tables.length).toBeGreaterThan(10);
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const rows = await database.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
    parts.push(`-- ${tablename}`, ...rows.map((row) => row.row));
  }
  return parts.join("\n");
}

describe.each(testBackends())("forgetting a user on $name", (backend) => {
  const database = provideTestDatabase(backend);

  it("erases their name and email from every reader and from a dump of the whole database, and keeps the log", async () => {
    const tag = Math.random().toString(36).slice(2, 10);
    const names = [`Zelda Unique${tag}`, `Zelda Renamed${tag}`, `Zelda Final${tag}`];
    const emails = [`zelda.${tag}@example.com`, `zelda.new.${tag}@example.com`];
    const user = (await api.post("/api/users", newUserInput({ name: names[0], email: emails[0] }))).body;
    // Free text is personal data too: a command's reason, a deactivation's reason.
    const phoneNote = `Signed up by phone: ${names[0]}`;
    await api.post(
      `/api/users/${user.id}/rename`,
      { name: names[1], reason: `asked by ${emails[0]}` },
      { headers: { "idempotency-key": `k-${tag}` } },
    );
    await api.post(`/api/users/${user.id}/change-email`, { email: emails[1] });
    await api.post(`/api/users/${user.id}/rename`, { name: names[2] });
    await api.post(`/api/users/${user.id}/change-password`, { password: `new password ${tag}` });
    for (let i = 0; i < 4; i++)
      await api
        .post(`/api/users/${user.id}/deactivate`, { reason: phoneNote })
        .then(() => api.post(`/api/users/${user.id}/reactivate`, {}));
    // Another caller's registration, refused because the address is taken: its reply is kept for
    // replays under that caller's key, which names neither this user nor their id.
    const taken = await api.post("/api/users", newUserInput({ email: emails[1] }), {
      headers: { "idempotency-key": `taken-${tag}` },
    });
    expect(taken.status).toBe(409);
    expect(taken.text).not.toContain(emails[1]);
    // As an older Rewind stored such a reply: with the address in its detail.
    await database().query(
      "INSERT INTO idempotent_requests (key, fingerprint, status, headers, body) VALUES ($1, 'f', 409, '{}', $2)",
      [
        `token:older POST /api/users taken-${tag}`,
        JSON.stringify({ status: 409, detail: `Another user already uses ${emails[0]}` }),
      ],
    );
    const { store } = await getServices();
    await catchUp(database(), store, nameChangesProjection, 100);

    // Before: the subject access export holds everything, and the log holds no plaintext at all.
    const exported = await api.get(`/api/users/${user.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toBe(`attachment; filename="rewind-user-${user.id}.json"`);
    expect(exported.body.user).toMatchObject({ id: user.id, name: names[2], email: emails[1] });
    expect(exported.body.events.map((event: { type: string }) => event.type).slice(0, 4)).toEqual([
      "user.registered",
      "user.renamed",
      "user.email_changed",
      "user.renamed",
    ]);
    expect(exported.text).not.toContain("scrypt$");
    const rawEvents = (
      await database().query<{ event: string }>(
        "SELECT data::text || metadata::text AS event FROM events WHERE stream_id = $1",
        [`user-${user.id}`],
      )
    )
      .map((row) => row.event)
      .join("\n");
    for (const secret of [...names, ...emails, "Signed up by phone", "asked by", "scrypt$"])
      expect(rawEvents).not.toContain(secret);
    const before = (await api.get(`/api/users/${user.id}/events`)).body.items;
    expect(before[1].metadata.reason).toBe(`asked by ${emails[0]}`);
    expect(before.find((event: { type: string }) => event.type === "user.deactivated").data.reason).toBe(phoneNote);
    expect((await dumpAllRows(database())).includes(names[2]!)).toBe(true);
    // The temporal index holds every name the user had, in clear, until they are forgotten.
    const indexed = await database().query<{ name: string }>(
      "SELECT name FROM user_versions WHERE user_id = $1 ORDER BY version",
      [user.id],
    );
    expect(indexed.map((row) => row.name)).toEqual(expect.arrayContaining(names));

    const forgotten = await api.post(`/api/users/${user.id}/forget`, { reason: "GDPR request #7" });
    expect(forgotten.status).toBe(200);
    expect(forgotten.body).toMatchObject({ id: user.id, name: "[erased]", email: "[erased]", status: "forgotten" });
    await catchUp(database(), store, nameChangesProjection, 100);

    // Every reader: the user, time travel, the timeline, the feed, the list, the as-of list, the report, its CSV.
    expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({
      name: "[erased]",
      email: "[erased]",
      status: "forgotten",
    });
    expect((await api.get(`/api/users/${user.id}?version=1`)).body).toMatchObject({
      name: "[erased]",
      email: "[erased]",
      status: "active",
    });
    const events = (await api.get(`/api/users/${user.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: "user.forgotten", metadata: { reason: "GDPR request #7" } });
    expect(events[0].data).toMatchObject({ name: "[erased]", email: "[erased]" });
    // When it took effect is no personal data: it stays.
    expect(events[1].data).toEqual({ name: "[erased]", previousName: "[erased]", effectiveAt: events[1].recordedAt });
    expect(events[1].metadata.reason).toBe("[erased]");
    expect(events.find((event: { type: string }) => event.type === "user.deactivated").data).toMatchObject({
      reason: "[erased]",
    });
    await feedShowsEverything(await getDatabase());
    const feed = (await api.get(`/api/events?after=${events[0].position - 1}&limit=3`)).body.items;
    expect(feed[0].data).toMatchObject({ name: "[erased]", email: "[erased]" });
    const streamed = await collect({}, `?after=${events[0].position - 1}`, (messages) =>
      messages.some((m) => m.data.streamId === `user-${user.id}` && m.data.version === 2),
    );
    const sse = streamed.filter((message) => message.data.streamId === `user-${user.id}`);
    expect(sse.map((message) => (message.data as unknown as { data: unknown }).data).slice(0, 2)).toEqual([
      expect.objectContaining({ name: "[erased]", email: "[erased]" }),
      { name: "[erased]", previousName: "[erased]", effectiveAt: events[1].recordedAt },
    ]);
    expect((await api.get(`/api/users?q=${encodeURIComponent(names[2]!)}`)).body.total).toBe(0);
    const asOf = await api.get(
      `/api/users?at=${new Date().toISOString()}&limit=100&q=${encodeURIComponent("[erased]")}`,
    );
    expect(asOf.body.items.some((item: { id: string }) => item.id === user.id)).toBe(true);
    const report = (await api.get("/api/reports/name-changes?limit=1000")).body.items.find(
      (row: { userId: string }) => row.userId === user.id,
    );
    expect(report).toMatchObject({ currentName: "[erased]", names: ["[erased]", "[erased]", "[erased]"] });
    const csv = await (
      await nameChangesCsv(await authorizedRequest("http://rewind.test/api/reports/name-changes?format=csv"), {
        params: Promise.resolve({}),
      })
    ).text();
    expect(csv).toContain(`${user.id},[erased],2,`);

    // No command takes a forgotten user; forgetting again is harmless.
    expect((await api.post(`/api/users/${user.id}/rename`, { name: "Back" })).status).toBe(410);
    expect((await api.post(`/api/users/${user.id}/forget`)).status).toBe(200);
    expect((await api.get(`/api/users/${user.id}/export`)).body.user.name).toBe("[erased]");

    // The log still holds every event, and nothing anywhere holds their name or email.
    expect(
      (
        await database().query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE stream_id = $1", [
          `user-${user.id}`,
        ])
      )[0]!.n,
    ).toBe(events.length);
    const dump = await dumpAllRows(database());
    for (const secret of [...names, ...emails, phoneNote])
      expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(dump).toContain("GDPR request #7");
    // On PostgreSQL, also what an operator's backup would hold: no missing pg_dump lets this pass unchecked.
    if (backend.name === "postgres") {
      const full = execFileSync(postgresTool("pg_dump"), ["--data-only", database().url!], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(full).toContain(user.id);
      for (const secret of [...names, ...emails, phoneNote])
        expect(full.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it("refuses to forget a user who does not exist (404), and a service may not guess ids", async () => {
    expect((await api.post("/api/users/00000000-0000-4000-8000-00000000dead/forget")).status).toBe(404);
    expect((await api.post("/api/users/not-an-id/forget")).status).toBe(404);
    expect((await api.get("/api/users/00000000-0000-4000-8000-00000000dead/export")).status).toBe(404);
    expect(await getDatabase()).toBeTruthy();
  });
});
