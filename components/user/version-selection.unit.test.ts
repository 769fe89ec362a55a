import { describe, expect, it, vi } from "vitest";
import { createVersionSelection } from "./version-selection";

describe("the version selection", () => {
  it("notifies only the entries whose selection changes", () => {
    const selection = createVersionSelection(3);
    const listeners = [1, 2, 3, 4].map((version) => {
      const listener = vi.fn();
      selection.subscribe(version, listener);
      return listener;
    });
    selection.select(4);
    expect(listeners.map((listener) => listener.mock.calls.length)).toEqual([0, 0, 1, 1]);
    expect(selection.isSelected(4)).toBe(true);
  });

  it("tells a watcher each newly selected version, and what is selected now", () => {
    const selection = createVersionSelection(1);
    const watcher = vi.fn();
    const stop = selection.watch(watcher);
    selection.select(7);
    selection.select(7);
    expect(watcher.mock.calls).toEqual([[7]]);
    expect(selection.current()).toBe(7);
    stop();
    selection.select(2);
    expect(watcher.mock.calls).toEqual([[7]]);
  });
});
