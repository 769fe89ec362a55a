import { describe, expect, it } from "vitest";
import { foldUser } from "../../domain/users";
import { generateDemoHistories } from "./demo-data";

const now = new Date("2026-06-30T12:00:00Z");
const generate = (seed: number, users = 300, months = 6) => [
  ...generateDemoHistories({ users, months, seed, now }, ["h1", "h2", "h3", "h4"]),
];

describe("demo histories", () => {
  it("are the same for the same seed and differ for another", () => {
    // 60 users are enough to compare; a deep comparison of 300 histories took 7 s on a loaded machine.
    expect(generate(5, 60)).toEqual(generate(5, 60));
    expect(generate(6, 60)[0]!.userId).not.toBe(generate(5, 60)[0]!.userId);
  });

  it("lie in the past months, in order, and fold to their final state", () => {
    const earliest = now.getTime() - 6 * 31 * 24 * 3600 * 1000;
    for (const history of generate(9)) {
      const times = history.events.map((e) => e.recordedAt.getTime());
      expect(times.every((t) => t >= earliest && t <= now.getTime())).toBe(true);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(history.events[0]!.event.type).toBe("user.registered");
      const folded = foldUser(
        history.events.map(({ event, recordedAt }, i) => ({
          ...event,
          version: i + 1,
          recordedAt: recordedAt.toISOString(),
        })),
      );
      expect(folded).toEqual(history.finalState);
    }
  });

  it("include the changes a demo needs: renames, email and password changes, deactivations and reactivations", () => {
    const histories = generate(3, 1000, 12);
    const types = new Set(histories.flatMap((h) => h.events.map((e) => e.event.type)));
    expect([...types].sort()).toEqual([
      "user.deactivated",
      "user.email_changed",
      "user.password_changed",
      "user.reactivated",
      "user.registered",
      "user.renamed",
    ]);
    const eventsPerUser = histories.reduce((sum, h) => sum + h.events.length, 0) / histories.length;
    expect(eventsPerUser).toBeGreaterThan(6);
    expect(new Set(histories.map((h) => (h.finalState.status === "unregistered" ? "" : h.finalState.email))).size).toBe(
      1000,
    );
  });
});
