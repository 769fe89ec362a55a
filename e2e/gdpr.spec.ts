// A data subject's rights from the dashboard: a copy of everything, then erasure with confirmation.
import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";

test("export a user's data, then forget them: every name and email reads [erased], the history stays", async ({
  page,
  api,
}) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const user = await (
    await api.post("/api/users", {
      data: { name: `Gdpr ${tag}`, email: `gdpr-${tag}@example.com`, password: "long enough secret" },
    })
  ).json();
  await api.post(`/api/users/${user.id}/rename`, { data: { name: `Gdpr Renamed ${tag}` } });

  await page.goto(`/users/${user.id}`);
  await page.locator("[data-interactive]").waitFor();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export everything (JSON)" }).click();
  const exported = JSON.parse(readFileSync(await (await download).path(), "utf8"));
  expect(exported.user).toMatchObject({ id: user.id, name: `Gdpr Renamed ${tag}`, email: `gdpr-${tag}@example.com` });
  expect(exported.events).toHaveLength(2);

  const commands = page.getByRole("region", { name: "Change this user" });
  await commands.getByRole("button", { name: "Forget this user…" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("cannot be undone");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await commands.getByRole("button", { name: "Forget this user…" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Yes, erase their personal data" }).click();
  await expect(commands.getByRole("status")).toHaveText("Forgotten: their personal data is erased.");

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("[erased]");
  await page.reload();
  await page.locator("[data-interactive]").waitFor();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("[erased]");
  // On the timeline (the state card's provenance lines name that event too).
  await expect(page.getByRole("list").getByText("Forgotten: personal data erased")).toBeVisible();
  expect(await page.content()).not.toContain(`Gdpr Renamed ${tag}`);
  expect(await page.content()).not.toContain(`gdpr-${tag}@example.com`);
  await page.screenshot({ path: "e2e/screenshots/forgotten-user.png", fullPage: true });

  await page.goto(`/?q=${tag}`);
  await expect(page.getByRole("link", { name: new RegExp(tag) })).toHaveCount(0);
});
