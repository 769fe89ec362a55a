import { describe, expect, it, vi } from "vitest";
import { inTurn, pauseAfterLostRace, takingTurns } from "./stream-turns";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("turns on a stream", () => {
  it("runs the work of one key one at a time, in the order it came, and other keys alongside", async () => {
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(`${name} starts`);
      await tick();
      log.push(`${name} ends`);
      return name;
    };
    const results = await Promise.all([inTurn("a", work("a1")), inTurn("a", work("a2")), inTurn("b", work("b1"))]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(log.indexOf("a2 starts")).toBeGreaterThan(log.indexOf("a1 ends"));
    expect(log.indexOf("b1 starts")).toBeLessThan(log.indexOf("a1 ends"));
  });

  it("passes a failure to its caller only, and lets the next in line go on", async () => {
    const failing = inTurn("c", async () => {
      await tick();
      throw new Error("refused");
    });
    const next = inTurn("c", async () => "landed");
    await expect(failing).rejects.toThrow("refused");
    await expect(next).resolves.toBe("landed");
  });

  it("knows whether turns are being taken on a key, and forgets the key once the last is done", async () => {
    expect(takingTurns("d")).toBe(false);
    let release!: () => void;
    const running = inTurn("d", () => new Promise<void>((resolve) => (release = resolve)));
    expect(takingTurns("d")).toBe(true);
    await tick();
    release();
    await running;
    expect(takingTurns("d")).toBe(false);
  });

  it("pauses after a lost race for a random time that grows with the retries, never past the deadline", async () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.999);
    try {
      const timed = async (retry: number, deadlineIn: number) => {
        const started = performance.now();
        await pauseAfterLostRace(retry, Date.now() + deadlineIn);
        return performance.now() - started;
      };
      expect(await timed(1, 10_000)).toBeLessThan(50); // at most 5 ms, plus the timer's own lateness
      expect(await timed(20, 10_000)).toBeGreaterThanOrEqual(190); // the 200 ms ceiling
      const capped = await timed(20, 60);
      expect(capped).toBeGreaterThanOrEqual(50);
      expect(capped).toBeLessThan(150);
    } finally {
      random.mockRestore();
    }
  });
});
