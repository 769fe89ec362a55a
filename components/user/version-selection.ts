// The version selected on the timeline, kept outside React state and watched per version: a slider
// step notifies the two entries whose selection changes, not every entry of a long history.
export interface VersionSelection {
  isSelected(version: number): boolean;
  /** The version selected now. */
  current(): number;
  select(version: number): void;
  subscribe(version: number, listener: () => void): () => void;
  /** Calls `listener` with the newly selected version on every change (the timeline's window follows it). */
  watch(listener: (version: number) => void): () => void;
}

export function createVersionSelection(initial: number): VersionSelection {
  let selected = initial;
  const listeners = new Map<number, Set<() => void>>();
  const watchers = new Set<(version: number) => void>();
  const notify = (version: number) => {
    for (const listener of listeners.get(version) ?? []) listener();
  };
  return {
    isSelected: (version) => version === selected,
    current: () => selected,
    select(version) {
      if (version === selected) return;
      const previous = selected;
      selected = version;
      for (const watcher of watchers) watcher(version);
      notify(previous);
      notify(version);
    },
    subscribe(version, listener) {
      const watching = listeners.get(version) ?? new Set();
      watching.add(listener);
      listeners.set(version, watching);
      return () => {
        watching.delete(listener);
        if (watching.size === 0) listeners.delete(version);
      };
    },
    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
  };
}
