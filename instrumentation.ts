// Runs once when the server starts: open the database and apply pending migrations before the
// first request, so a broken configuration fails at start-up rather than on someone's click; and
// fill an empty embedded database with demo users; keep the asynchronous projections caught up.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger } = await import("./lib/observability/logger");
  const log = logger();
  const { trustedProxyHops } = await import("./lib/http/trusted-proxy");
  // A typo here must stop the start, not quietly leave forwarded headers ignored (or believed).
  const proxies = trustedProxyHops();
  if (proxies > 0)
    log.info({ proxies }, "trusting X-Forwarded-For / X-Forwarded-Proto from the reverse proxies in front");
  const { getDatabase } = await import("./lib/db");
  const { seedDemoDataIfEmpty } = await import("./lib/application/demo-on-first-start");
  const database = await getDatabase();
  log.info(
    { backend: database.backend },
    `database ready (${database.backend === "pglite" ? "embedded PGlite" : "PostgreSQL"})`,
  );
  const { ensureFirstAdmin, writeInitialAdminPassword } = await import("./lib/application/auth/admins");
  const admin = await ensureFirstAdmin(database);
  if (admin?.generatedPassword) {
    // Secrets never go to the log: the generated password waits in a file only this user can read.
    const file = await writeInitialAdminPassword(admin.generatedPassword);
    log.warn(
      { file },
      `created the demo admin ${admin.email}; its password is in ${file} (set ADMIN_EMAIL and ADMIN_PASSWORD and restart to choose your own)`,
    );
  } else if (admin && admin.change !== "unchanged")
    log.info(`the admin from ADMIN_EMAIL / ADMIN_PASSWORD: ${admin.change}`);
  const seeded = await seedDemoDataIfEmpty();
  if (seeded) log.info(seeded);
  const { buildUserVersionsIfMissing } = await import("./lib/application/users/user-versions");
  const built = await buildUserVersionsIfMissing(database);
  if (built) log.info({ users: built.users }, "built the temporal index of user versions from the log");
  const { startProjectionRunner, projections } = await import("./lib/application/projections");
  await startProjectionRunner();
  log.info({ projections: projections.map((p) => p.name) }, "keeping the projections caught up");
}
