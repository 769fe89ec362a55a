// The user page's timeline as the browser tests look at it.
import type { Locator } from "@playwright/test";

/** Whether the timeline's list shows its selected entry inside its own box. */
export const selectedInView = (list: Locator) =>
  list.evaluate((element) => {
    const selected = element.querySelector<HTMLElement>('[aria-current="step"]');
    if (!selected) return false;
    const outer = element.getBoundingClientRect();
    const inner = selected.getBoundingClientRect();
    return inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  });
