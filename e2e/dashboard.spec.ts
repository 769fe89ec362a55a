// What an admin does in the dashboard, in a real browser against the production build.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test.beforeEach(async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  // Which request a "Failed to load resource" message was about (the console does not say).
  page.on("response", (response) => {
    if (response.status() >= 400)
      errors.push(`(${response.status()} ${response.request().method()} ${new URL(response.url()).pathname})`);
  });
  (page as Page & { consoleErrors: string[] }).consoleErrors = errors;
});

// The browser itself logs every 4xx answer as a failed resource; the ones a test provokes on
// purpose (a stale edit, an invalid email) are expected, anything else is a defect.
const provoked =
  /^(Failed to load resource: the server responded with a status of (400|412) |\((400|412) POST \/api\/users\/)/;

test.afterEach(async ({ page }) => {
  expect(
    (page as Page & { consoleErrors: string[] }).consoleErrors.filter((message) => !provoked.test(message)),
  ).toEqual([]);
});

/** The user page, once React has hydrated it (before that, a click or a key does nothing). */
async function openUserPage(page: Page, id: string, query = "") {
  await page.goto(`/users/${id}${query}`);
  await page.locator("[data-interactive]").waitFor();
}

const slider = (page: Page) => page.getByRole("slider", { name: "Point in the user's history" });
const shownName = (page: Page) => page.getByTestId("user-state").locator('[data-field="name"]');
const commands = (page: Page) => page.getByRole("region", { name: "Change this user" });

async function rename(page: Page, name: string) {
  await commands(page).getByLabel("Name").fill(name);
  await commands(page).getByRole("button", { name: "Rename" }).click();
  await expect(commands(page).getByRole("status")).toHaveText("Renamed.");
}

test("create a user, rename twice, and travel through its history with the slider", async ({ page }) => {
  const tag = unique();
  await page.goto("/");
  await page.screenshot({ path: "e2e/screenshots/users-list.png", fullPage: true });

  await page.getByRole("button", { name: "New user" }).click();
  const form = page.getByRole("region", { name: "New user" });
  await form.getByLabel("Name").fill(`First ${tag}`);
  await form.getByLabel("Email").fill(`first-${tag}@example.com`);
  await form.getByLabel("Password").fill("a long enough password");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `First ${tag}` })).toBeVisible();
  await page.locator("[data-interactive]").waitFor();

  await rename(page, `Second ${tag}`);
  await rename(page, `Third ${tag}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Third ${tag}`);
  await expect(slider(page)).toHaveAttribute("aria-valuemax", "3");
  await expect(slider(page)).toHaveValue("3");
  await expect(page.getByRole("region", { name: /Event timeline/ }).getByRole("listitem")).toHaveCount(3);

  // Drag the thumb from the right end to the left end: version 1, the first name. (Renaming scrolled
  // the page down to the form: the mouse can only drag what is on the screen.)
  await slider(page).scrollIntoViewIfNeeded();
  const box = (await slider(page).boundingBox())!;
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  await expect(shownName(page)).toHaveText(`Second ${tag}`);
  await page.screenshot({ path: "e2e/screenshots/user-mid-slide.png", fullPage: true });
  await page.mouse.move(box.x + 2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(slider(page)).toHaveValue("1");
  await expect(shownName(page)).toHaveText(`First ${tag}`);
  await expect(shownName(page)).toHaveAttribute("data-differs", "true");
  await expect(page.locator('li[aria-current="step"]')).toContainText("Registered");

  // Keyboard: → steps, End and Home jump.
  await slider(page).focus();
  await page.keyboard.press("ArrowRight");
  await expect(shownName(page)).toHaveText(`Second ${tag}`);
  await expect(page.locator('li[aria-current="step"]')).toContainText(`First ${tag}`);
  await page.keyboard.press("End");
  await expect(shownName(page)).toHaveText(`Third ${tag}`);
  await expect(shownName(page)).not.toHaveAttribute("data-differs", "true");
  await page.keyboard.press("Home");
  await expect(shownName(page)).toHaveText(`First ${tag}`);

  // The point lives in the URL: a reload (or a shared link) of ?version=2 shows version 2.
  await page.keyboard.press("ArrowRight");
  await expect(page).toHaveURL(/version=2/);
  await page.reload();
  await page.locator("[data-interactive]").waitFor();
  await expect(slider(page)).toHaveValue("2");
  await expect(shownName(page)).toHaveText(`Second ${tag}`);

  // Replay the history from the start.
  await page.keyboard.press("Home");
  await page.getByRole("button", { name: "Play" }).click();
  await expect(shownName(page)).toHaveText(`Third ${tag}`, { timeout: 5000 });

  // Compare version 1 with version 3 field by field.
  const diff = page.getByRole("region", { name: "Compare two points" });
  await diff.getByLabel("From").selectOption("1");
  await diff.getByLabel("To").selectOption("3");
  await expect(diff.locator("tr[data-changed]")).toHaveCount(1);
  await expect(diff.locator("tr[data-changed]")).toContainText(`First ${tag}`);
  await expect(diff.locator("tr[data-changed]")).toContainText(`Third ${tag}`);
  await diff.scrollIntoViewIfNeeded();
  await diff.screenshot({ path: "e2e/screenshots/diff-view.png" });

  // By time: the slider walks real time, from the registration to now.
  await page.getByRole("button", { name: "By time" }).click();
  await slider(page).focus();
  await page.keyboard.press("Home");
  await expect(shownName(page)).toHaveText(`First ${tag}`);
  await page.keyboard.press("End");
  await expect(shownName(page)).toHaveText(`Third ${tag}`);
  await expect(page).toHaveURL(/at=/);
});

test("the as-of list shows a name as it was before a rename", async ({ page, api }) => {
  const tag = unique();
  const created = await (
    await api.post("/api/users", {
      data: { name: `Before ${tag}`, email: `asof-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  await new Promise((done) => setTimeout(done, 50));
  const instant = new Date().toISOString();
  await new Promise((done) => setTimeout(done, 50));
  expect((await api.post(`/api/users/${created.id}/rename`, { data: { name: `After ${tag}` } })).status()).toBe(200);

  await page.goto(`/?q=${tag}`);
  await expect(page.getByRole("link", { name: `After ${tag}` })).toBeVisible();

  await page.goto(`/?q=${tag}&at=${encodeURIComponent(instant)}`);
  await expect(page.getByRole("status").filter({ hasText: "Viewing as of" })).toBeVisible();
  await expect(page.getByRole("link", { name: `Before ${tag}` })).toBeVisible();
  await expect(page.getByRole("link", { name: `After ${tag}` })).toHaveCount(0);
  await page.screenshot({ path: "e2e/screenshots/as-of-list.png", fullPage: true });

  await page.getByRole("button", { name: "Back to now" }).click();
  await expect(page.getByRole("link", { name: `After ${tag}` })).toBeVisible();
  await expect(page).not.toHaveURL(/at=/);

  // The control itself puts the instant in the URL.
  await page.getByLabel("As of").fill("2020-01-01T12:00");
  await page.getByRole("button", { name: "View" }).click();
  await expect(page).toHaveURL(/at=2020-01-01T/);
  await expect(page.getByRole("table").getByRole("caption")).toHaveText(`0 users matching “${tag}”`);
  await expect(page.getByText("No user matches these filters.")).toBeVisible();
});

test("a stale edit shows the conflict, and reloading shows the other change", async ({ page, api }) => {
  const tag = unique();
  const created = await (
    await api.post("/api/users", {
      data: { name: `Mine ${tag}`, email: `stale-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  // The page must not hear of the other change live (it would follow it, and the edit would not be
  // stale): without the event stream, only the If-Match answer can tell it.
  await page.route("**/api/events/stream**", (route) =>
    route.fulfill({ status: 200, contentType: "text/event-stream", body: "retry: 600000\n\n" }),
  );
  await openUserPage(page, created.id);
  await expect(page.getByRole("heading", { level: 1, name: `Mine ${tag}` })).toBeVisible();

  // Someone else renames the user meanwhile.
  expect((await api.post(`/api/users/${created.id}/rename`, { data: { name: `Theirs ${tag}` } })).status()).toBe(200);

  await commands(page).getByLabel("Name").fill(`Mine again ${tag}`);
  await commands(page).getByRole("button", { name: "Rename" }).click();
  await expect(commands(page).getByRole("alert")).toContainText("changed by someone else — reload", {
    ignoreCase: true,
  });
  await commands(page).getByRole("button", { name: "Reload" }).click();
  await expect(shownName(page)).toHaveText(`Theirs ${tag}`);
  await expect(commands(page).getByRole("alert")).toHaveCount(0);
});

test("an invalid email shows the API's message next to the field", async ({ page, api }) => {
  const tag = unique();
  const created = await (
    await api.post("/api/users", {
      data: { name: `Valid ${tag}`, email: `valid-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  await openUserPage(page, created.id);
  await commands(page).getByLabel("Email").fill("not-an-email");
  await commands(page).getByRole("button", { name: "Change email" }).click();
  await expect(commands(page).getByText("Email must be a valid address like name@example.com")).toBeVisible();
  await expect(commands(page).getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  expect((await (await api.get(`/api/users/${created.id}`)).json()).email).toBe(`valid-${tag}@example.com`);
});

test("the user page is usable on a 390 px phone", async ({ page, api }) => {
  const tag = unique();
  const created = await (
    await api.post("/api/users", {
      data: { name: `Phone ${tag}`, email: `phone-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  await page.setViewportSize({ width: 390, height: 844 });
  await openUserPage(page, created.id);
  await expect(slider(page)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/user-phone.png", fullPage: true });
  await page.goto("/");
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
});
