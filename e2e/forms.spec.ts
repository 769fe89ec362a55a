// The dashboard's forms parse with the API's own schemas (lib/validation): text the API would refuse
// is refused in the browser with the same message, before any request; what it takes is sent composed.
import { expect, test } from "./fixtures";

test("the new-user form refuses control characters with the API's messages, without a request", async ({ page }) => {
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/users") sent.push(request.url());
  });
  await page.goto("/");
  await page.getByRole("button", { name: "New user" }).click();
  const form = page.getByRole("region", { name: "New user" });
  await form.getByLabel("Name").fill("Ada\u0007Lovelace");
  await form.getByLabel("Email").fill("ada\u0085@example.com");
  await form.getByLabel("Password").fill("a long password");
  await form.getByRole("button", { name: "Create user" }).click();

  await expect(form.getByText("Name must not contain control characters")).toBeVisible();
  await expect(form.getByText("Email must not contain control characters")).toBeVisible();
  expect(sent).toEqual([]);
});

test("a name typed decomposed (e + U+0301) is created composed", async ({ page, api }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  // The schemas must not trip the Content-Security-Policy in the browser (zod probes for eval as it
  // builds them, when the page loads): listen from the first script on.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(event.violatedDirective));
  });
  await page.goto("/");
  await page.getByRole("button", { name: "New user" }).click();
  const form = page.getByRole("region", { name: "New user" });
  await form.getByLabel("Name").fill(`Rene\u0301 ${tag}`);
  await form.getByLabel("Email").fill(`rene-${tag}@example.com`);
  await form.getByLabel("Password").fill("a long password");
  await form.getByRole("button", { name: "Create user" }).click();

  await expect(page.getByRole("heading", { name: `Ren\u00e9 ${tag}`, level: 1 })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  const id = new URL(page.url()).pathname.split("/").pop();
  expect((await (await api.get(`/api/users/${id}`)).json()).name).toBe(`Ren\u00e9 ${tag}`);
});
