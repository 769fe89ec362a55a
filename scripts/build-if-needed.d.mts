/** `next build` when there is no production build, or a source file is newer than it. */
export function buildIfNeeded(): void;
