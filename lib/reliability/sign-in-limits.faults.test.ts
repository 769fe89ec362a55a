// Two production servers on one PostgreSQL database share the sign-in limits: the count is the
// database's, not each process's (docs/decisions/008).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProductionServer, serverAdmin, type ProductionServer } from "../testing/production-server";
import { testBackends, type TestDatabase } from "../testing/databases";

const postgres = testBackends().find((backend) => backend.name === "postgres");

describe.skipIf(!postgres)(
  `sign-in limits across server processes${postgres ? "" : " (skipped: set TEST_DATABASE_URL)"}`,
  () => {
    let database: TestDatabase;
    const servers: ProductionServer[] = [];

    beforeAll(async () => {
      database = await postgres!.open();
      for (let i = 0; i < 2; i++) servers.push(await startProductionServer({ DATABASE_URL: database.url! }));
    }, 240_000);
    afterAll(async () => {
      for (const server of servers) await server.stop();
      await database?.close();
    });

    const signIn = (server: ProductionServer, password: string, headers: Record<string, string> = {}) =>
      fetch(`${server.base}/api/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ email: serverAdmin.email, password }),
      });

    it("lets five of eight parallel wrong passwords, spread over two servers, be tried, and then refuses the admin on both", async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(servers[i % 2]!, "wrong password")));
      expect(answers.map((answer) => answer.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      for (const server of servers) {
        const refused = await signIn(server, serverAdmin.password, { "x-forwarded-for": "198.51.100.77" });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(800);
      }
    });
  },
);
