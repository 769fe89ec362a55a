// The version selected on the timeline, kept outside React state and watched per version: a slider
// step notifies the two entries whose selection changes, not every entry of a long history.
export interface VersionSelection {
  isSelected(version: number): boolean;
  select(version: number): void;
  subscribe(version: number, listener: () => void): () => void;
}

export function createVersionSelection(initial: number): VersionSelection {
  let selected = initial;
  const listeners = new Map<number, Set<() => void>>();
  const notify = (version: number) => {
    for (const listener of listeners.get(version) ?? []) listener();
  };
  return {
    isSelected: (version) => version === selected,
    select(version) {
      if (version === selected) return;
      const previous = selected;
      selected = version;
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
  };
}
