import { describe, expect, it } from "vitest";
import {
  entryAt,
  entryTops,
  estimatedHeight,
  initialWindow,
  overscanEntries,
  scrollToReveal,
  windowBlock,
  windowFor,
} from "./timeline-window";

/** Heights by index, as the timeline's ResizeObserver records them. */
const measured = (heights: Record<number, number>) => new Map(Object.entries(heights).map(([i, h]) => [Number(i), h]));

describe("entry tops", () => {
  it("add up measured heights and the estimate for entries never rendered", () => {
    expect([...entryTops(4, measured({ 1: 50, 2: 200 }), 100)]).toEqual([0, 100, 150, 350, 450]);
  });

  it("are the end alone for an empty history", () => {
    expect([...entryTops(0, new Map(), 100)]).toEqual([0]);
  });
});

describe("estimated height", () => {
  it("is the mean of the heights measured", () => {
    expect(estimatedHeight(measured({ 0: 100, 5: 140 }), 96)).toBe(120);
  });

  it("is the fallback before anything is measured", () => {
    expect(estimatedHeight(new Map(), 96)).toBe(96);
  });
});

describe("entry at an offset", () => {
  const tops = entryTops(10, new Map(), 100);

  it("is the entry whose box holds the offset", () => {
    expect(entryAt(tops, 0)).toBe(0);
    expect(entryAt(tops, 99.5)).toBe(0);
    expect(entryAt(tops, 100)).toBe(1);
    expect(entryAt(tops, 950)).toBe(9);
  });

  it("is the last entry past the end", () => {
    expect(entryAt(tops, 5000)).toBe(9);
  });
});

describe("the window", () => {
  const tops = entryTops(10_000, new Map(), 100);

  it("holds the visible entries, the overscan on both sides, in whole blocks", () => {
    // Entries 5,000 to 5,006 are visible.
    const window = windowFor(tops, 500_000, 650);
    expect(window.start).toBeLessThanOrEqual(5000 - overscanEntries);
    expect(window.end).toBeGreaterThan(5006 + overscanEntries);
    expect(window.start % windowBlock).toBe(0);
    expect(window.end % windowBlock).toBe(0);
    // O(visible): a few blocks, whatever the history's length.
    expect(window.end - window.start).toBeLessThanOrEqual(7 + 2 * overscanEntries + 2 * windowBlock);
  });

  it("stays the same for a scroll of one entry inside a block", () => {
    expect(windowFor(tops, 500_000 - 100, 650)).toEqual(windowFor(tops, 500_000 - 200, 650));
  });

  it("is clamped to the history at both ends", () => {
    expect(windowFor(tops, 0, 650).start).toBe(0);
    expect(windowFor(tops, 10_000 * 100, 650).end).toBe(10_000);
    expect(windowFor(entryTops(5, new Map(), 100), 0, 650)).toEqual({ start: 0, end: 5 });
  });

  it("is empty for an empty history", () => {
    expect(windowFor(entryTops(0, new Map(), 100), 0, 650)).toEqual({ start: 0, end: 0 });
  });

  it("takes in the entry it must keep", () => {
    const window = windowFor(tops, 0, 650, 9_000);
    expect(window.end).toBeGreaterThan(9_000);
  });

  it("opens around the selected entry", () => {
    const window = initialWindow(10_000, 9_999, 630, 128);
    expect(window.end).toBe(10_000);
    expect(window.start).toBeGreaterThan(9_900);
    expect(initialWindow(10_000, 0, 630, 128).start).toBe(0);
  });
});

describe("scrolling an entry into view", () => {
  it("leaves an entry in view where it is", () => {
    expect(scrollToReveal(200, 300, 100, 600)).toBeNull();
  });

  it("brings an entry above the viewport to its top", () => {
    expect(scrollToReveal(200, 300, 250, 600)).toBe(200);
  });

  it("brings an entry below the viewport to its bottom", () => {
    expect(scrollToReveal(900, 1000, 100, 600)).toBe(400);
  });

  it("shows the top of an entry taller than the viewport", () => {
    expect(scrollToReveal(900, 1800, 100, 600)).toBe(900);
  });
});
