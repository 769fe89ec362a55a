// Field provenance ("blame"): each field of the user's state says which event set it, at any point
// of the slider, and selecting it selects that event on the timeline.
import { expect, test } from "./fixtures";

test("each field says which event set it, and selecting it selects that event on the timeline", async ({
  page,
  api,
}) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const created = await (
    await api.post("/api/users", {
      data: { name: `Blame ${tag}`, email: `blame-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  const renamed = await api.post(`/api/users/${created.id}/rename`, {
    data: { name: `Blamed ${tag}`, reason: `ticket ${tag}` },
  });
  expect(renamed.status()).toBe(200);
  const emailChanged = await api.post(`/api/users/${created.id}/change-email`, {
    data: { email: `blamed-${tag}@example.com` },
  });
  expect(emailChanged.status()).toBe(200);
  const recordedActor = (await (await api.get(`/api/users/${created.id}/events`)).json()).items[1].metadata
    .actor as string;
  const actor = recordedActor.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  await page.goto(`/users/${created.id}`);
  await page.locator("[data-interactive]").waitFor();
  const state = page.getByTestId("user-state");
  const sourceOf = (label: string) =>
    state.getByRole("term").filter({ hasText: label }).locator("xpath=following-sibling::dd[1]").getByRole("button");
  const timeline = page.getByRole("region", { name: /Event timeline/ });
  const slider = page.getByRole("slider", { name: "Point in the user's history" });

  // At the latest version: the name from the rename (who and why), the email from its change, the
  // status from the registration.
  await expect(sourceOf("Name")).toHaveText(new RegExp(`^set by v2 Renamed · .+ · ${actor} — “ticket ${tag}”$`));
  await expect(sourceOf("Email")).toHaveText(new RegExp(`^set by v3 Email changed · .+ · ${actor}$`));
  await expect(sourceOf("Status")).toHaveText(/^set by v1 Registered · /);
  await expect(sourceOf("Last change")).toHaveText(/^set by v3 Email changed · /);
  await state.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "e2e/screenshots/user-field-provenance.png" });

  // Selecting the name's source selects the rename on the timeline, and the slider moves to it.
  await sourceOf("Name").click();
  await expect(timeline.locator('li[aria-current="step"]')).toContainText("Renamed");
  await expect(timeline.locator('li[aria-current="step"]')).toContainText(`ticket ${tag}`);
  await expect(slider).toHaveValue("2");
  await expect(sourceOf("Name")).toHaveText(/^set by v2 Renamed/);
  await expect(sourceOf("Email")).toHaveText(/^set by v1 Registered/);

  // At any point of the slider: at version 1 the registration set every field.
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(sourceOf("Name")).toHaveText(/^set by v1 Registered/);
  await expect(sourceOf("Email")).toHaveText(/^set by v1 Registered/);
  await sourceOf("Email").click();
  await expect(timeline.locator('li[aria-current="step"]')).toContainText("Registered");
  await expect(slider).toHaveValue("1");
});
