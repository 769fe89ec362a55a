// Signs in through the real sign-in page (as every later test's browser session), and creates the
// API token the tests use as "another service" through the real tokens page.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { adminEmail, adminPassword, apiTokenPath, sessionStatePath } from "./credentials";

setup("sign in through the sign-in page and create an API token", async ({ page }) => {
  await page.goto("/reports");
  // Not signed in: the dashboard sends us to sign in, and back to where we were going after.
  await expect(page).toHaveURL(/\/sign-in\?next=%2Freports$/);
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("The email or password is wrong");
  await page.screenshot({ path: "e2e/screenshots/sign-in-refused.png" });

  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveText(adminEmail);

  await page.getByRole("link", { name: "API tokens" }).click();
  await page.getByLabel(/Token name/).fill("e2e service");
  // The other tests' service does everything: reads, commands, erasure and the admin routes.
  for (const scope of ["write", "erase", "admin"])
    await page.getByRole("checkbox", { name: new RegExp(`^${scope} `) }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^rwd_/);
  await expect(page.getByRole("row", { name: /e2e service/ })).toContainText("active");
  await page.screenshot({ path: "e2e/screenshots/api-tokens.png", fullPage: true });

  mkdirSync(path.dirname(sessionStatePath), { recursive: true });
  await page.context().storageState({ path: sessionStatePath });
  writeFileSync(apiTokenPath, token);
});
