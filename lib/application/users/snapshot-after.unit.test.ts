// What a command's append is given to keep the user's state as a snapshot (decision 031).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RegisteredUser } from "../../domain/users";
import { snapshotAfter } from "./user-events";

const userId = randomUUID();
const recorded = "2026-12-01T10:00:00.000Z";
const active: RegisteredUser = {
  status: "active",
  id: userId,
  name: "Ada",
  email: "ada@example.com",
  passwordHash: "h",
  deactivationReason: null,
  version: 4,
  createdAt: recorded,
  updatedAt: recorded,
  effectiveSince: { name: recorded, email: recorded, password: recorded, status: recorded },
};
const rename = { type: "user.renamed" as const, data: { name: "Ada Lovelace", previousName: "Ada" } };
/** The instant the new events must be recorded a millisecond after (the keep statement's $6). */
const recordedAfterOf = (before: RegisteredUser) => snapshotAfter(userId, before, 4, [rename])[0]!.values![5];

describe("the snapshot a user command keeps", () => {
  it("is kept with the placeholder where the recording instant goes, to be filled in by the append", () => {
    const [keep] = snapshotAfter(userId, active, 4, [rename]);
    const [, , , state, version, , ...paths] = keep!.values!;
    expect(version).toBe(5);
    expect(paths).toEqual([["updatedAt"], ["effectiveSince", "name"]]);
    expect(JSON.parse(state as string)).toMatchObject({ name: "Ada Lovelace", version: 5, createdAt: recorded });
  });

  it("asks for a recording after the latest instant the state holds, a change effective later than recorded included", () => {
    expect(recordedAfterOf(active)).toEqual(new Date(recorded));
    // A change its caller dated later than PostgreSQL recorded it (the application's clock ahead):
    // read back, a rename recorded before that instant would not change the name; kept as decided, it would.
    const datedAhead = { ...active, effectiveSince: { ...active.effectiveSince, name: "2026-12-01T10:00:10.000Z" } };
    expect(recordedAfterOf(datedAhead)).toEqual(new Date("2026-12-01T10:00:10.000Z"));
  });

  it("is none for a change dated by its caller; an erasure deletes every snapshot of the user instead", () => {
    const dated = { ...rename, data: { ...rename.data, effectiveAt: recorded } };
    expect(snapshotAfter(userId, active, 4, [dated])).toEqual([]);
    expect(snapshotAfter(userId, active, 4, [{ type: "user.forgotten", data: {} }])).toEqual([
      expect.objectContaining({ name: "unsnap", values: [`user-${userId}`] }),
    ]);
  });
});
