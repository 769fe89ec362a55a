// The admin the e2e server starts with (ADMIN_EMAIL / ADMIN_PASSWORD), and where the sign-in setup
// leaves the browser session and the API token the other tests use.
import { tmpdir } from "node:os";
import path from "node:path";

export const adminEmail = "e2e-admin@rewind.test";
export const adminPassword = "e2e admin password, long enough";
export const sessionStatePath = path.join("test-results", ".auth", "admin.json");
export const apiTokenPath = path.join("test-results", ".auth", "api-token.txt");
/** Where the e2e server's log goes (one per port, so that runs side by side do not mix). */
export const serverLogPath = path.join(tmpdir(), `rewind-e2e-server-${process.env.E2E_PORT ?? 3100}.log`);
