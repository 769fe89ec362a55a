// What an attacker would try first: no credentials, a revoked token, script and SQL in names, and
// framing — each against the production server in a real browser.
import { adminEmail, adminPassword } from "./credentials";
import { expect, test } from "./fixtures";

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test("without a session the dashboard asks to sign in, and the API answers 401", async ({
  browser,
  playwright,
  baseURL,
}) => {
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await stranger.newPage();
  await page.goto("/admin/tokens");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fadmin%2Ftokens$/);
  await expect(page.getByRole("heading", { name: "Sign in to Rewind" })).toBeVisible();
  await page.screenshot({ path: "e2e/screenshots/sign-in.png" });
  // A cookie that is not a session is no better than none.
  await stranger.addCookies([{ name: "rewind_session", value: "forged", url: baseURL! }]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await stranger.close();

  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  for (const path of ["/api/users", "/api/events", "/api/reports/name-changes", "/api/tokens", "/api/projections"]) {
    const response = await anonymous.get(path);
    expect(response.status(), path).toBe(401);
    expect(response.headers()["content-type"]).toBe("application/problem+json");
    expect(response.headers()["www-authenticate"]).toMatch(/^Bearer/);
  }
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  await anonymous.dispose();
});

test("a token revoked in the dashboard is refused from its next request", async ({ page, playwright, baseURL }) => {
  const name = `temporary ${unique()}`;
  await page.goto("/admin/tokens");
  await page.getByLabel(/Token name/).fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  const service = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  expect((await service.get("/api/users?limit=1")).status()).toBe(200);

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("revoked");
  expect((await service.get("/api/users?limit=1")).status()).toBe(401);
  await service.dispose();
});

test("a token's scopes are chosen on the tokens page, shown there, and enforced", async ({
  page,
  playwright,
  baseURL,
}) => {
  const name = `reader ${unique()}`;
  await page.goto("/admin/tokens");
  // Least privilege by default: only read is ticked.
  await expect(page.getByRole("checkbox", { name: /^read / })).toBeChecked();
  for (const scope of ["write", "erase", "admin"])
    await expect(page.getByRole("checkbox", { name: new RegExp(`^${scope} `) })).not.toBeChecked();
  await page.getByLabel(/Token name/).fill(name);
  await page.getByRole("checkbox", { name: /^read / }).uncheck();
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText("Choose at least one scope")).toBeVisible();

  await page.getByRole("checkbox", { name: /^read / }).check();
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  await expect(page.getByRole("list", { name: `Scopes of ${name}` }).getByRole("listitem")).toHaveText(["read"]);
  await expect(page.getByRole("list", { name: "Scopes of e2e service" }).getByRole("listitem")).toHaveText([
    "read",
    "write",
    "erase",
    "admin",
  ]);
  await page.screenshot({ path: "e2e/screenshots/api-token-scopes.png", fullPage: true });

  const service = await playwright.request.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  expect((await service.get("/api/users?limit=1")).status()).toBe(200);
  for (const [method, path] of [
    ["post", "/api/users"],
    ["get", "/api/audit"],
    ["get", "/api/tokens"],
  ] as const) {
    const refused = await service[method](
      path,
      method === "post" ? { data: { name: "No", email: "no@example.com", password: "long enough secret" } } : {},
    );
    expect(refused.status(), path).toBe(403);
    expect(refused.headers()["content-type"]).toBe("application/problem+json");
    expect((await refused.json()).type).toBe("https://rewind.dev/problems/insufficient-scope");
  }
  await service.dispose();
});

test("names with HTML and SQL are stored literally and shown as text, never run", async ({ page, api }) => {
  const tag = unique();
  const name = `<script>window.__xss=1</script><img src=x onerror="__xss=2">'); DROP TABLE users;--${tag}`;
  expect(name.length).toBeLessThanOrEqual(100);
  const created = await api.post("/api/users", {
    data: { name, email: `o'hara.${tag}@example.com`, password: "long enough secret" },
  });
  expect(created.status()).toBe(201);
  const user = await created.json();
  expect(user.name).toBe(name);
  expect(user.email).toBe(`o'hara.${tag}@example.com`);

  await page.goto(`/?q=${encodeURIComponent(tag)}`);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await page.goto(`/users/${user.id}`);
  await page.locator("[data-interactive]").waitFor();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  expect(await page.evaluate(() => (window as Window & { __xss?: number }).__xss)).toBeUndefined();
  // No page shows a password hash (the timeline shows that the password was set, not its hash).
  expect(await page.content()).not.toContain("scrypt$");
  await page.screenshot({ path: "e2e/screenshots/hostile-name.png" });
  // The users table is still there.
  expect((await api.get("/api/users?limit=1")).status()).toBe(200);
});

test("pages and API answers carry the security headers", async ({ page, api }) => {
  const response = (await page.goto("/"))!;
  const headers = response.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  // The dashboard works under that policy: React hydrates the user page (a script without the nonce would not run).
  await page.getByRole("table").getByRole("link").first().click();
  await page.locator("[data-interactive]").waitFor();

  const apiHeaders = (await api.get("/api/users?limit=1")).headers();
  expect(apiHeaders["x-content-type-options"]).toBe("nosniff");
  expect(apiHeaders["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test("after signing in, ?next= leads only to a page of this site, however it is disguised", async ({
  browser,
  baseURL,
}) => {
  // Eight real sign-ins, each hashing a password on a shared machine.
  test.setTimeout(90_000);
  const origin = new URL(baseURL!).origin;
  const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await stranger.newPage();
  // Any request to another host would mean we were sent away: remember it, and answer for that host.
  const leftFor: string[] = [];
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, async (route) => {
    leftFor.push(route.request().url());
    await route.fulfill({ contentType: "text/html", body: "<h1>evil</h1>" });
  });
  const signInWith = async (next: string) => {
    await stranger.clearCookies();
    await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Email").fill(adminEmail);
    await page.getByLabel("Password").fill(adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Where the browser goes is what matters, not how long the page there takes to load.
    await page.waitForURL((url) => url.pathname !== "/sign-in", { waitUntil: "commit" });
    return new URL(page.url());
  };

  for (const next of [
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "/\r\n/evil.example/x",
    "//evil.example/x",
    "/\\evil.example/x",
    "https://evil.example/x",
    "javascript:alert(1)",
  ]) {
    const landed = await signInWith(next);
    expect(leftFor, JSON.stringify(next)).toEqual([]);
    expect([landed.origin, landed.pathname], JSON.stringify(next)).toEqual([origin, "/"]);
  }
  // A real path of this site is still where sign-in leads.
  const landed = await signInWith("/admin/tokens?from=sign-in");
  expect(`${landed.origin}${landed.pathname}${landed.search}`).toBe(`${origin}/admin/tokens?from=sign-in`);
  await stranger.close();
});

test("HSTS on answers a trusted proxy says came over https, never over plain http; personal data is private", async ({
  page,
  api,
}) => {
  // The e2e server trusts one proxy (REWIND_TRUST_PROXY=1 in playwright.config.ts); here the test is that proxy.
  const overHttp = (await page.goto("/"))!;
  expect(overHttp.headers()["strict-transport-security"]).toBeUndefined();
  await page.setExtraHTTPHeaders({ "x-forwarded-proto": "https" });
  const overHttps = (await page.goto("/"))!;
  expect(overHttps.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  expect(
    (await api.get("/api/users?limit=1", { headers: { "x-forwarded-proto": "https" } })).headers()[
      "strict-transport-security"
    ],
  ).toBe("max-age=31536000; includeSubDomains");
  expect((await api.get("/api/users?limit=1")).headers()["strict-transport-security"]).toBeUndefined();

  const [user] = (await (await api.get("/api/users?limit=1")).json()).items;
  const one = await api.get(`/api/users/${user.id}`);
  expect(one.headers()["cache-control"]).toBe("private, no-cache");
  expect((await api.get("/api/users?limit=1")).headers()["cache-control"]).toMatch(/^private\b/);
});
