// Every page passes axe's WCAG 2 A/AA rules without a serious or critical violation, signed in
// and signed out; and on a phone the time-travel slider stays under the finger.
import type { Page } from "@playwright/test";
import { seriousViolations } from "./axe";
import { expect, test } from "./fixtures";
import { defineDeactivationsByCategory } from "./saved-report-form";
import { selectedInView } from "./timeline";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function createUserWithHistory(api: import("@playwright/test").APIRequestContext, renames: number) {
  const tag = unique();
  const response = await api.post("/api/users", {
    data: { name: `A11y ${tag}`, email: `a11y-${tag}@example.com`, password: "long enough secret" },
  });
  expect(response.status()).toBe(201);
  const user = (await response.json()) as { id: string };
  for (let index = 1; index <= renames; index++) {
    expect((await api.post(`/api/users/${user.id}/rename`, { data: { name: `A11y ${tag} ${index}` } })).ok()).toBe(
      true,
    );
  }
  return user;
}

/** Waits until what a person would read is there (client components loaded their data). */
const pages: { name: string; path: (userId: string) => string; ready: (page: Page) => Promise<void> }[] = [
  { name: "users list", path: () => "/", ready: (page) => page.getByRole("table").first().waitFor() },
  {
    name: "a user",
    path: (id) => `/users/${id}?version=2`,
    ready: (page) => page.locator("[data-interactive]").waitFor(),
  },
  {
    name: "events",
    path: () => "/events",
    ready: (page) => page.getByRole("list", { name: "Events, newest first" }).waitFor(),
  },
  {
    name: "audit",
    path: () => "/audit",
    ready: (page) => page.getByRole("list", { name: "Audit entries, newest first" }).waitFor(),
  },
  {
    name: "reports",
    path: () => "/reports",
    ready: (page) => page.getByRole("heading", { level: 1, name: "Reports" }).waitFor(),
  },
  { name: "projections", path: () => "/admin/projections", ready: (page) => page.getByTestId("lag").first().waitFor() },
  {
    name: "API tokens",
    path: () => "/admin/tokens",
    ready: (page) => page.getByRole("row", { name: /e2e service/ }).waitFor(),
  },
  { name: "API reference", path: () => "/docs/api", ready: (page) => page.locator(".opblock").first().waitFor() },
];

test.describe("signed in", () => {
  for (const { name, path, ready } of pages) {
    test(`${name} has no serious or critical accessibility violation`, async ({ page, api }) => {
      const user = name === "a user" ? await createUserWithHistory(api, 3) : { id: "" };
      await page.goto(path(user.id));
      await ready(page);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: `e2e/screenshots/a11y-${name.replaceAll(" ", "-")}.png`, fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
});

test("reports: the new-report form with its problems, and a saved report, have no serious or critical accessibility violation", async ({
  page,
}) => {
  // Two axe scans and a report catching up over the whole log: more than one step's default 30 s.
  test.setTimeout(90_000);
  const name = `A11y report ${unique()}`;
  await page.goto("/reports");
  const form = await defineDeactivationsByCategory(page, name);
  await form.getByRole("checkbox", { name: "user.deactivated" }).uncheck();
  await form.getByRole("button", { name: "Save report" }).click();
  await expect(form.getByText("Choose at least one event type").first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await form.getByRole("checkbox", { name: "user.deactivated" }).check();
  await form.getByRole("button", { name: "Save report" }).click();
  const report = page.getByRole("region", { name });
  await expect(report.locator("[data-testid^='freshness-saved_report_']")).toContainText("Up to date", {
    timeout: 30_000,
  });
  await report.getByText("Table").click();
  await page.screenshot({ path: "e2e/screenshots/a11y-saved-report.png", fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
  page.once("dialog", (dialog) => void dialog.accept());
  await report.getByRole("button", { name: "Delete" }).click();
  await expect(report).toHaveCount(0);
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the sign-in page has no serious or critical accessibility violation", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  test("the API reference has no serious or critical accessibility violation", async ({ page }) => {
    await page.goto("/docs/api");
    await page.locator(".opblock").first().waitFor();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: "e2e/screenshots/api-reference.png", fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
  });
});

test.describe("on a 390 px phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("stepping the slider scrolls the timeline's own panel, never the page", async ({ page, api }) => {
    const user = await createUserWithHistory(api, 30);
    await page.goto(`/users/${user.id}`);
    await page.locator("[data-interactive]").waitFor();
    const slider = page.getByRole("slider", { name: "Point in the user's history" });
    await slider.scrollIntoViewIfNeeded();
    const box = await slider.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(24);

    const timeline = page.getByRole("region", { name: /Event timeline/ }).getByRole("list");
    const listTopBefore = await timeline.evaluate((list) => list.scrollTop);
    const pageScrollBefore = await page.evaluate(() => window.scrollY);
    await slider.focus();
    for (let step = 0; step < 20; step++) {
      await page.keyboard.press("ArrowLeft");
      expect(await page.evaluate(() => window.scrollY), `page scrolled at step ${step + 1}`).toBe(pageScrollBefore);
    }
    await expect(slider).toHaveAttribute("aria-valuenow", "11");
    // Once the slider stands still, the panel follows the selection: it scrolls, and the selected
    // entry is inside its box; the page still has not moved.
    await expect.poll(() => timeline.evaluate((list) => list.scrollTop)).not.toBe(listTopBefore);
    await expect.poll(() => selectedInView(timeline)).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(pageScrollBefore);
    await page.screenshot({ path: "e2e/screenshots/user-phone-slider.png" });
    await timeline.scrollIntoViewIfNeeded();
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.screenshot({ path: "e2e/screenshots/user-phone-timeline.png" });
  });
});
