// The event explorer: the log itself, newest first — filters and position in the URL, pages of
// older events, an event opened to its data and metadata and its user at that version, and a live
// tail that pauses and resumes.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function userWithRenames(api: import("@playwright/test").APIRequestContext, renames: number) {
  const tag = unique();
  const response = await api.post("/api/users", {
    data: { name: `Explorer ${tag}`, email: `explorer-${tag}@example.com`, password: "long enough secret" },
  });
  expect(response.status()).toBe(201);
  const user = (await response.json()) as { id: string };
  for (let index = 1; index <= renames; index++) {
    expect((await api.post(`/api/users/${user.id}/rename`, { data: { name: `Explorer ${tag} ${index}` } })).ok()).toBe(
      true,
    );
  }
  return { id: user.id, tag };
}

const events = (page: Page) => page.getByRole("list", { name: "Events, newest first" }).locator(":scope > li");

test("filters by user and type in the URL, pages back, opens an event, and leads to its user at that version", async ({
  page,
  api,
}) => {
  const { id, tag } = await userWithRenames(api, 54);
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Events" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Events" })).toBeVisible();

  const filters = page.getByRole("search", { name: "Filters" });
  await filters.getByLabel("User or stream").fill(id);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`/events\\?stream=user-${id}$`));
  // 55 events: a page of 50, newest first, then the 5 oldest.
  await expect(events(page)).toHaveCount(50);
  await expect(events(page).first()).toContainText(`user-${id} v55`);
  await page.getByRole("button", { name: "Older events" }).click();
  await expect(events(page)).toHaveCount(55);
  await expect(events(page).last()).toContainText("user.registered");
  await expect(page.getByRole("button", { name: "Older events" })).toHaveCount(0);

  await filters.getByLabel("Type").selectOption("user.registered");
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(events(page)).toHaveCount(1);
  await expect(page).toHaveURL(/type=user\.registered/);
  // Back undoes the filter: it lives in the URL, and the pages read before are shown again.
  await page.goBack();
  await expect(filters.getByLabel("Type")).toHaveValue("");
  await expect(events(page)).toHaveCount(55);

  // v3, not v30…v39.
  const third = events(page).filter({ hasText: new RegExp(`user-${id} v3(?!\\d)`) });
  await third.getByRole("button").click();
  await expect(third.getByRole("button")).toHaveAttribute("aria-expanded", "true");
  await expect(third).toContainText(`"name": "Explorer ${tag} 2"`);
  await expect(third).toContainText(`"actor": "token:e2e service#`);
  await page.screenshot({ path: "e2e/screenshots/events-explorer-open.png", fullPage: false });

  // Jump to a position: that event first, then what was recorded before it.
  const position = (await third.getAttribute("data-position"))!;
  await filters.getByLabel("Jump to position").fill(position);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`position=${position}`));
  await expect(events(page).first()).toHaveAttribute("data-position", position);
  await expect(events(page)).toHaveCount(3);

  await events(page).first().getByRole("button").click();
  await events(page).first().getByRole("link", { name: "The user at version 3" }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${id}\\?version=3$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Explorer ${tag} 54`);
  await expect(page.getByRole("slider").first()).toHaveAttribute("aria-valuenow", "3");
});

test("the live tail shows a new event at the top, and shows none while paused", async ({ page, api }) => {
  const { id, tag } = await userWithRenames(api, 0);
  await page.goto(`/events?stream=user-${id}`);
  await expect(events(page)).toHaveCount(1);
  await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
  // Let the event stream connect before the change is made.
  await page.waitForTimeout(500);

  await api.post(`/api/users/${id}/rename`, { data: { name: `Tailed ${tag}` } });
  await expect(events(page)).toHaveCount(2, { timeout: 5000 });
  await expect(events(page).first()).toContainText("user.renamed");

  await page.getByRole("button", { name: "Pause live tail" }).click();
  await expect(page.getByRole("button", { name: "Resume live tail" })).toHaveAttribute("aria-pressed", "true");
  await api.post(`/api/users/${id}/rename`, { data: { name: `Unseen ${tag}` } });
  await page.waitForTimeout(1500);
  await expect(events(page)).toHaveCount(2);

  await page.getByRole("button", { name: "Resume live tail" }).click();
  await expect(events(page)).toHaveCount(3);
  await expect(events(page).first()).toContainText("user.renamed");
  await page.screenshot({ path: "e2e/screenshots/events-explorer-live.png" });
});

test("fits a 390 px phone without scrolling sideways", async ({ page, api }) => {
  const { id } = await userWithRenames(api, 2);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/events?stream=user-${id}`);
  await expect(events(page)).toHaveCount(3);
  await events(page).first().getByRole("button").click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: "e2e/screenshots/events-explorer-phone.png", fullPage: true });
});
