// A long timeline renders only the entries near its viewport (docs/decisions/029): the slider's
// selection is still brought into view by the list's own scroll, and scrolling the list shows
// entries, never empty room.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { seriousViolations } from "./axe";
import { expect, test } from "./fixtures";
import { selectedInView } from "./timeline";

const renames = 100;

async function createUserWithRenames(api: APIRequestContext) {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const response = await api.post("/api/users", {
    data: { name: `Window ${tag}`, email: `window-${tag}@example.com`, password: "long enough secret" },
  });
  expect(response.status()).toBe(201);
  const user = (await response.json()) as { id: string };
  for (let index = 1; index <= renames; index++)
    expect((await api.post(`/api/users/${user.id}/rename`, { data: { name: `Window ${tag} ${index}` } })).ok()).toBe(
      true,
    );
  return user;
}

/** Whether rendered entries (or the gaps between them) stand at the top and the bottom of the list's box. */
const entryAtEdges = (list: Locator) =>
  list.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const entries = [...element.querySelectorAll("li[data-index]")].map((entry) => entry.getBoundingClientRect());
    const entryAt = (y: number) => entries.some((entry) => entry.top <= y + 8 && entry.bottom >= y - 8);
    return entryAt(box.top + 1) && entryAt(box.bottom - 1);
  });

const nextFrame = (page: Page) =>
  page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

test("a long timeline renders a window of its entries and follows the slider to either end", async ({ page, api }) => {
  test.setTimeout(120_000);
  const user = await createUserWithRenames(api);
  await page.goto(`/users/${user.id}`);
  await page.locator("[data-interactive]").waitFor();
  const region = page.getByRole("region", { name: /Event timeline/ });
  await expect(region.getByRole("heading")).toContainText(`(${renames + 1})`);
  const list = region.getByRole("list");
  const entries = list.getByRole("listitem");

  // The latest version is selected and shown; far fewer entries than events are rendered.
  await expect(list.locator('li[aria-current="step"]')).toContainText(`v${renames + 1}`);
  expect(await selectedInView(list)).toBe(true);
  const rendered = await entries.count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(renames + 1);
  await expect(entries.last()).toHaveAttribute("aria-setsize", String(renames + 1));
  expect(await seriousViolations(page)).toEqual([]);

  // Home, End: the list scrolls itself to the entry; the page stays where it is.
  const slider = page.getByRole("slider", { name: "Point in the user's history" });
  await slider.scrollIntoViewIfNeeded();
  const pageScroll = await page.evaluate(() => window.scrollY);
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(list.locator('li[aria-current="step"]')).toContainText("Registered");
  await expect.poll(() => selectedInView(list)).toBe(true);
  expect(await page.evaluate(() => window.scrollY)).toBe(pageScroll);
  await page.keyboard.press("End");
  await expect(list.locator('li[aria-current="step"]')).toContainText(`v${renames + 1}`);
  await expect.poll(() => selectedInView(list)).toBe(true);

  // Scrolled to its middle, the list shows entries there, not the room kept for them.
  await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
  await nextFrame(page);
  expect(await entryAtEdges(list)).toBe(true);
  await expect(list.locator("li[data-index]").first()).not.toHaveAttribute("data-index", "0");
  await page.screenshot({ path: "e2e/screenshots/user-long-timeline.png" });
});
