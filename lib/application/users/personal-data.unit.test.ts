import { describe, expect, it } from "vitest";
import { foldUser, type RecordedUserEvent } from "../../domain/users";
import { generateDemoHistories } from "./demo-data";
import type { Queryable } from "../../db/database";
import type { RecordedEvent } from "../../eventstore";
import {
  decryptPersonalData,
  foldedFields,
  personalFields,
  decryptValue,
  encryptPersonalData,
  encryptValue,
  needsUserKey,
  newUserKey,
  reasonMetadata,
} from "./personal-data";

describe("personal data encryption", () => {
  const key = newUserKey();
  const stream = "user-6f1c2b8e-1d1e-4c55-9a57-0d6f4b0c7a11";

  it("round-trips, and never writes the same ciphertext twice", () => {
    const first = encryptValue(key, stream, "name", "Zoë 😀");
    const second = encryptValue(key, stream, "name", "Zoë 😀");
    expect(first).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    // The value's bytes are nowhere in what is stored (a check on the base64 text itself, "Zo", failed
    // whenever those two letters happened to come out of the cipher: about one run in a hundred).
    const stored = Buffer.from(first.slice("enc:v1:".length), "base64url");
    expect(stored.includes(Buffer.from("Zoë 😀", "utf8"))).toBe(false);
    expect(decryptValue(key, stream, "name", first)).toBe("Zoë 😀");
  });

  it("reads [erased] without the key, with another key, or when the value was moved to another stream or field", () => {
    const sealed = encryptValue(key, stream, "email", "a@example.com");
    expect(decryptValue(undefined, stream, "email", sealed)).toBe("[erased]");
    expect(decryptValue(newUserKey(), stream, "email", sealed)).toBe("[erased]");
    expect(decryptValue(key, "user-someone-else", "email", sealed)).toBe("[erased]");
    expect(decryptValue(key, stream, "name", sealed)).toBe("[erased]");
  });

  it("passes plain values (written before encryption existed) through", () => {
    expect(decryptValue(undefined, stream, "name", "Plain Name")).toBe("Plain Name");
  });

  it("encrypts only the personal fields of an event: names, emails, password hashes and a deactivation's reason", () => {
    const event = encryptPersonalData(
      {
        type: "user.registered",
        data: { userId: "u", name: "Ada", email: "ada@example.com", passwordHash: "scrypt$h" },
      },
      stream,
      key,
    );
    expect(event.data.userId).toBe("u");
    for (const field of ["name", "email", "passwordHash"]) expect(event.data[field]).toMatch(/^enc:v1:/);
    const deactivation = encryptPersonalData(
      { type: "user.deactivated", data: { reason: "Signed up by phone: Ada", category: "other" } },
      stream,
      key,
    );
    expect(deactivation.data.category).toBe("other");
    expect(decryptValue(key, stream, "reason", deactivation.data.reason)).toBe("Signed up by phone: Ada");
    const reactivation = { type: "user.reactivated", data: {} };
    expect(encryptPersonalData(reactivation, stream, key)).toBe(reactivation);
  });

  it("encrypts a command's reason, but for the reason a user was forgotten (the record of the erasure)", () => {
    const sealed = reasonMetadata("RenameUser", "asked by ada@example.com", stream, key);
    expect(sealed.reason).toMatch(/^enc:v1:/);
    expect(decryptValue(key, stream, "metadata.reason", sealed.reason)).toBe("asked by ada@example.com");
    expect(reasonMetadata("ForgetUser", "GDPR request #7", stream, key)).toEqual({ reason: "GDPR request #7" });
    expect(needsUserKey("DeactivateUser", [], "why")).toBe(true);
    expect(needsUserKey("ForgetUser", [{ type: "user.forgotten" }], "GDPR request #7")).toBe(false);
  });

  it("a fold reads only the folded fields: the others, left sealed, change no user's state", () => {
    const histories = [
      ...generateDemoHistories({ users: 300, months: 12, seed: 7, now: new Date("2026-06-01") }, ["h"]),
    ];
    const recorded = (events: (typeof histories)[number]["events"]) =>
      events.map(({ event, recordedAt }, index) => ({
        ...event,
        version: index + 1,
        recordedAt: recordedAt.toISOString(),
      })) as RecordedUserEvent[];
    let sealedSomewhere = 0;
    for (const { events } of histories) {
      const inClear = recorded(events);
      const asFolded = inClear.map((event) => {
        const data: Record<string, unknown> = { ...event.data };
        for (const field of personalFields[event.type] ?? [])
          if (!foldedFields[event.type]?.includes(field) && field in data) {
            data[field] = "enc:v1:left-sealed";
            sealedSomewhere++;
          }
        return { ...event, data } as RecordedUserEvent;
      });
      expect(foldUser(asFolded)).toEqual(foldUser(inClear));
    }
    expect(sealedSomewhere).toBeGreaterThan(100);
    for (const [type, fields] of Object.entries(foldedFields))
      expect(personalFields[type]).toEqual(expect.arrayContaining([...fields]));
  });

  it("decrypts a fold's events with the key read with them, and only what the fold reads; other reads get every field", async () => {
    const sealed = encryptPersonalData(
      { type: "user.renamed", data: { name: "Grace Hopper", previousName: "Grace Murray" } },
      stream,
      key,
    );
    const event: RecordedEvent = {
      ...sealed,
      position: 1,
      streamId: stream,
      streamType: "user",
      version: 2,
      data: sealed.data,
      metadata: {
        ...reasonMetadata("RenameUser", "married", stream, key),
        eventId: "e",
        commandId: "c",
        correlationId: "c",
        causationId: "c",
        actor: "a",
      },
      recordedAt: new Date("2026-01-01T00:00:00Z"),
    };
    const noQueries: Queryable = {
      query: () => Promise.reject(new Error("the key came with the fold: no query")),
      exec: () => Promise.reject(new Error("no statement")),
    };
    const companion = { streamId: stream, value: { key: key.toString("base64") } };
    const [folded] = await decryptPersonalData(noQueries, [event], companion);
    expect(folded!.data).toEqual({ name: "Grace Hopper", previousName: sealed.data.previousName });
    expect(folded!.metadata.reason).toBe(event.metadata.reason);

    const withKey: Queryable = { ...noQueries, query: async () => [{ user_id: stream.slice(5), key }] as never };
    const [read] = await decryptPersonalData(withKey, [event]);
    expect(read!.data).toEqual({ name: "Grace Hopper", previousName: "Grace Murray" });
    expect(read!.metadata.reason).toBe("married");

    // A forgotten user's fold (no key with it) reads "[erased]", still without a query.
    const [erased] = await decryptPersonalData(noQueries, [event], { streamId: stream, value: null });
    expect(erased!.data.name).toBe("[erased]");
  });
});
