// The tests' fixtures: `api` calls the HTTP API as another service would, with the API token the
// sign-in setup created (the browser pages use the admin's session cookie).
import { readFileSync } from "node:fs";
import { test as base, type APIRequestContext } from "@playwright/test";
import { apiTokenPath } from "./credentials";

export const test = base.extend<{ api: APIRequestContext }>({
  api: async ({ playwright, baseURL }, use) => {
    const context = await playwright.request.newContext({
      baseURL,
      // A service has no browser session: only the token.
      storageState: { cookies: [], origins: [] },
      extraHTTPHeaders: { authorization: `Bearer ${readFileSync(apiTokenPath, "utf8").trim()}` },
    });
    await use(context);
    await context.dispose();
  },
});

export { expect } from "@playwright/test";
