// What integrators and operators use: the API reference page (rendered from /api/openapi.json by a
// component bundled with the app — it works offline), metrics, health and readiness.
import { expect, test } from "./fixtures";

test("the API reference renders every operation from the OpenAPI document, offline, for anyone", async ({
  browser,
  baseURL,
}) => {
  // Not signed in: the reference is public, like the document it renders.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  const elsewhere: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(baseURL!) && !/^(data|blob):/.test(request.url())) elsewhere.push(request.url());
  });

  await page.goto("/docs/api");
  await expect(page.getByRole("heading", { name: "Rewind API reference", level: 1 })).toBeVisible();
  const reference = page.getByTestId("api-reference");
  // Swagger UI is loaded on demand and renders the whole document before its title.
  await expect(reference.getByRole("heading", { name: /Rewind API/ })).toBeVisible({ timeout: 20_000 });
  await expect(reference.getByText("OAS 3.1")).toBeVisible();
  for (const tag of ["Users", "Events", "Projections", "Reports", "Audit", "Access", "Operations"])
    await expect(reference.locator(`.opblock-tag[data-tag="${tag}"]`)).toBeVisible();

  // Open one operation: its parameters and problem answers come from the zod schemas.
  const document = await (await page.request.get("/api/openapi.json")).json();
  const operations = Object.values(document.paths as Record<string, object>).flatMap((item) => Object.keys(item));
  await expect(reference.locator(".opblock")).toHaveCount(operations.length);
  await reference.locator(".opblock-summary-path", { hasText: /^\/api\/users\/\{id\}\/rename$/ }).click();
  const rename = reference.locator(".opblock.is-open");
  await expect(rename.getByText("if-match", { exact: true }).first()).toBeVisible();
  await expect(rename.locator(".response-col_status", { hasText: /^412$/ })).toBeVisible();
  await expect(rename.getByText(/The user has changed since you read it/)).toBeVisible();
  await rename.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "e2e/screenshots/api-reference.png", fullPage: false });

  expect(elsewhere).toEqual([]);
  expect(consoleErrors).toEqual([]);
  await context.close();
});

test("metrics need a token and show the API's traffic; health and readiness are open", async ({
  api,
  playwright,
  baseURL,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get("/api/metrics")).status()).toBe(401);
  const health = await anonymous.get("/api/health");
  expect(health.status()).toBe(200);
  const ready = await anonymous.get("/api/ready");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: "ready",
    checks: { database: { ok: true }, migrations: { ok: true }, projections: { ok: true } },
  });
  await anonymous.dispose();

  await api.get("/api/users?limit=1");
  const metrics = await api.get("/api/metrics");
  expect(metrics.status()).toBe(200);
  const text = await metrics.text();
  expect(text).toMatch(
    /^rewind_http_request_duration_seconds_count\{route="\/api\/users",method="GET",status="200"\} [1-9]/m,
  );
  expect(text).toMatch(/^rewind_events_in_log [1-9]\d*/m);
  expect(text).toMatch(/^rewind_projection_lag_events\{projection="name_changes"\} \d+/m);
});
