// Two time axes on the user page: an admin records a rename effective from a past instant, sees it
// marked on the timeline and in the picture of the axes, corrects it with "Correct…", and finds the
// correction on both axes — the slider's effective instant shows the corrected name, "as known on"
// before the correction the name as it was recorded first.
import type { Page } from "@playwright/test";
import { seriousViolations } from "./axe";
import { expect, test } from "./fixtures";

// A zone east of UTC by a half hour: the form's local time and the API's instants must not be confused.
const zoneOffsetMinutes = 330;
test.use({ timezoneId: "Asia/Kolkata" });

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** A datetime-local value for an instant, in the page's zone (to the second). */
// As a datetime-local input holds it: chromium drops the seconds when they are zero (an instant on a
// whole minute came back as "…T04:48", not "…T04:48:00", about one run in sixty).
const localInput = (time: number) =>
  new Date(time + zoneOffsetMinutes * 60_000).toISOString().slice(0, 19).replace(/:00$/, "");
const iso = (time: number) => new Date(time).toISOString();

const commands = (page: Page) => page.getByRole("region", { name: "Change this user" });
const timeline = (page: Page) => page.getByRole("region", { name: /Event timeline/ });
const shownName = (page: Page) => page.getByTestId("user-state").locator('[data-field="name"]');

async function openUserPage(page: Page, id: string, query = "") {
  await page.goto(`/users/${id}${query}`);
  await page.locator("[data-interactive]").waitFor();
}

test("a backdated rename, corrected from the timeline, seen on both time axes", async ({ page, api }) => {
  test.setTimeout(180_000);
  const tag = unique();
  const created = (await (
    await api.post("/api/users", {
      data: { name: `Ada ${tag}`, email: `ada-${tag}@example.com`, password: "long enough secret" },
    })
  ).json()) as { id: string; createdAt: string };
  const registeredAt = Date.parse(created.createdAt);
  // The rename to be backdated takes effect on the first whole second after the registration, and
  // before a rename recorded later (the name of today).
  const effective = Math.ceil((registeredAt + 1) / 1000) * 1000;
  await page.waitForTimeout(Math.max(0, effective + 500 - Date.now()));
  expect((await api.post(`/api/users/${created.id}/rename`, { data: { name: `Ada King ${tag}` } })).status()).toBe(200);

  await openUserPage(page, created.id);
  const form = commands(page);
  const effectiveFrom = form.getByLabel("Effective from (optional; empty: now)");

  // Before the registration: refused, and said in the form, at the field.
  await form.getByLabel("Name").fill(`Too early ${tag}`);
  await effectiveFrom.fill(localInput(registeredAt - 3600_000));
  await form.getByRole("button", { name: "Rename" }).click();
  await expect(form.getByRole("alert")).toContainText("The change would take effect before the user was registered");
  await expect(effectiveFrom).toHaveAttribute("aria-invalid", "true");

  // Effective from a past instant (with a typo): today's name stays the later rename's.
  await form.getByLabel("Name").fill(`Ada Byrn ${tag}`);
  await effectiveFrom.fill(localInput(effective));
  await form.getByRole("button", { name: "Rename" }).click();
  // Previewed first (decision 026): recorded once confirmed.
  await form.getByRole("button", { name: "Record" }).click();
  await expect(form.getByRole("status")).toHaveText("Renamed.");
  await expect(effectiveFrom).toHaveValue("");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Ada King ${tag}`);
  const marks = timeline(page).getByTestId("effective-mark");
  await expect(marks).toHaveCount(1);
  const backdated = timeline(page)
    .getByRole("listitem")
    .filter({ hasText: `Ada Byrn ${tag}` });
  await expect(backdated.getByTestId("effective-mark")).toHaveText(
    /^↧effective \d\d:\d\d:\d\d · recorded \d\d:\d\d:\d\d\(\d+ seconds? earlier\)$/,
  );
  await expect(backdated.getByTestId("effective-mark").locator("time").first()).toHaveText(
    new Date(effective + zoneOffsetMinutes * 60_000).toISOString().slice(11, 19),
  );
  const picture = page.getByRole("img", { name: "Events by recorded and effective time" });
  await expect(picture).toHaveAccessibleDescription(
    /^3 events, 1 backdated: version 3 \(Renamed\) took effect \d+ seconds? before/,
  );
  await expect(picture.getByTestId("backdated-mark")).toHaveCount(1);

  // "Correct…" opens the rename at the entry's effective instant, starting from what it set.
  await backdated.getByRole("button", { name: "Correct… version 3" }).click();
  await expect(form.getByTestId("correction-note")).toContainText("Correcting the rename of version 3");
  await expect(form.getByLabel("Name")).toHaveValue(`Ada Byrn ${tag}`);
  await expect(form.getByLabel("Name")).toBeFocused();
  await expect(effectiveFrom).toHaveValue(localInput(effective));
  await page.screenshot({ path: "e2e/screenshots/two-axes-correcting.png", fullPage: true });
  await form.getByLabel("Name").fill(`Ada Byron ${tag}`);
  await form.getByRole("button", { name: "Rename" }).click();
  // Previewed first (decision 026): recorded once confirmed.
  await form.getByRole("button", { name: "Record" }).click();
  await expect(form.getByRole("status")).toHaveText("Renamed.");
  await expect(form.getByTestId("correction-note")).toHaveCount(0);
  await expect(marks).toHaveCount(2);
  await expect(picture.getByTestId("backdated-mark")).toHaveCount(2);

  const events = (await (await api.get(`/api/users/${created.id}/events`)).json()).items as {
    version: number;
    recordedAt: string;
    data: { effectiveAt: string };
  }[];
  expect(events.map((event) => event.version)).toEqual([1, 2, 3, 4]);
  expect(events[3]!.data.effectiveAt).toBe(iso(effective));
  const [kingRecorded, typoRecorded] = [Date.parse(events[1]!.recordedAt), Date.parse(events[2]!.recordedAt)];
  // The log keeps microseconds, the API shows milliseconds: "known at a recording" is 1 ms after it shows.
  const then = iso(effective + 200);

  // On the effective axis, as known now: the corrected name, then the later rename from its instant.
  await openUserPage(page, created.id, `?at=${then}`);
  await expect(page.getByRole("button", { name: "By time" })).toHaveAttribute("aria-pressed", "true");
  await expect(shownName(page)).toHaveText(`Ada Byron ${tag}`);
  await expect(page.getByRole("slider", { name: "As known on" })).toHaveAttribute("aria-valuetext", "Now");

  // On the recorded axis: as known before the correction, the typo; before the backdated rename, the first name.
  await openUserPage(page, created.id, `?at=${then}&knownAt=${iso(typoRecorded + 1)}`);
  await expect(shownName(page)).toHaveText(`Ada Byrn ${tag}`);
  await expect(page.getByRole("slider", { name: "As known on" })).toHaveAttribute(
    "aria-valuetext",
    `As known on ${iso(typoRecorded + 1)}`,
  );
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: "e2e/screenshots/two-axes-desktop.png", fullPage: true });
  for (const [knownAt, name] of [
    [typoRecorded + 1, `Ada Byrn ${tag}`],
    [kingRecorded + 1, `Ada ${tag}`],
  ] as const) {
    const answer = await api.get(`/api/users/${created.id}?at=${then}&knownAt=${iso(knownAt)}`);
    expect((await answer.json()).name).toBe(name);
  }
  await openUserPage(page, created.id, `?at=${then}&knownAt=${iso(kingRecorded + 1)}`);
  await expect(shownName(page)).toHaveText(`Ada ${tag}`);

  // "Now" brings the recorded axis back to today: the URL keeps the effective instant only.
  await page.getByRole("button", { name: "Now", exact: true }).click();
  await expect(shownName(page)).toHaveText(`Ada Byron ${tag}`);
  await expect.poll(() => Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ at: then });

  // The page as a person reads it while correcting: no serious or critical accessibility violation.
  await timeline(page).getByRole("button", { name: "Correct… version 4" }).click();
  await expect(form.getByTestId("correction-note")).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "e2e/screenshots/two-axes-phone.png", fullPage: true });
});
