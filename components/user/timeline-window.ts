// The timeline's window: which of a long history's entries are rendered, and how much room stands
// for the others above and below them. Pure arithmetic over entry heights, so that it is tested
// without a browser; user-timeline.tsx measures the heights and scrolls.

/** Entries rendered beyond each edge of the visible part of the list. */
export const overscanEntries = 6;
/**
 * The window moves in blocks of this many entries: a slider step that scrolls the list by one
 * entry leaves the window as it is most of the time, and the list re-renders once every block.
 */
export const windowBlock = 8;

export interface EntryWindow {
  /** The first entry rendered (an index into the history's events). */
  start: number;
  /** One past the last entry rendered. */
  end: number;
}

/**
 * Where each entry starts (tops[i]) and where the list's content ends (tops[count]), from each
 * entry's height as measured, or `estimate` for one never rendered. A height includes the gap after it.
 */
export function entryTops(count: number, measured: ReadonlyMap<number, number>, estimate: number): Float64Array {
  const tops = new Float64Array(count + 1);
  for (let index = 0; index < count; index++) tops[index + 1] = tops[index]! + (measured.get(index) ?? estimate);
  return tops;
}

/** The height to assume for an entry never rendered: the mean of those measured, or `fallback` before any. */
export function estimatedHeight(measured: ReadonlyMap<number, number>, fallback: number): number {
  if (measured.size === 0) return fallback;
  let sum = 0;
  for (const height of measured.values()) sum += height;
  return sum / measured.size;
}

/** The first entry whose bottom lies below `offset` (the entry at that offset), by binary search. */
export function entryAt(tops: Float64Array, offset: number): number {
  const count = tops.length - 1;
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (tops[middle + 1]! <= offset) low = middle + 1;
    else high = middle;
  }
  return Math.min(low, Math.max(count - 1, 0));
}

/**
 * The entries to render for a viewport from `scrollTop` down `viewport` pixels: those visible, with
 * `overscanEntries` more on each side, widened to whole blocks so that small scrolls keep the window.
 * `keep` (the selected entry) is always inside it.
 */
export function windowFor(tops: Float64Array, scrollTop: number, viewport: number, keep?: number): EntryWindow {
  const count = tops.length - 1;
  if (count === 0) return { start: 0, end: 0 };
  let first = entryAt(tops, Math.max(scrollTop, 0)) - overscanEntries;
  let last = entryAt(tops, scrollTop + Math.max(viewport, 0)) + overscanEntries;
  if (keep !== undefined && keep >= 0 && keep < count) {
    first = Math.min(first, keep);
    last = Math.max(last, keep);
  }
  const start = Math.max(0, Math.floor(first / windowBlock) * windowBlock);
  const end = Math.min(count, (Math.floor(last / windowBlock) + 1) * windowBlock);
  return { start, end };
}

/** The window to open with, before anything is measured: around `selected`, as much as `viewport` may show. */
export function initialWindow(count: number, selected: number, viewport: number, estimate: number): EntryWindow {
  const shown = Math.ceil(viewport / estimate);
  const tops = entryTops(count, new Map(), estimate);
  const scrollTop = Math.max(0, tops[Math.min(Math.max(selected, 0), count)]! - viewport / 2);
  return windowFor(tops, scrollTop, shown * estimate, selected);
}

export const sameWindow = (a: EntryWindow, b: EntryWindow) => a.start === b.start && a.end === b.end;

/**
 * The scroll position that brings the box from `top` to `bottom` into a viewport of `viewport`
 * pixels now at `scrollTop`, moving as little as possible; null when it is in view already.
 */
export function scrollToReveal(top: number, bottom: number, scrollTop: number, viewport: number): number | null {
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(top - Math.max(viewport - (bottom - top), 0), 0);
  return null;
}
