// Runs once when the server starts: open the database and apply pending migrations before the
// first request, so a broken configuration fails at start-up rather than on someone's click; and
// fill an empty embedded database with demo users; keep the asynchronous projections caught up.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDatabase } = await import("./lib/db");
  const { seedDemoDataIfEmpty } = await import("./lib/application/demo-on-first-start");
  const database = await getDatabase();
  console.log(`Rewind: database ready (${database.backend === "pglite" ? "embedded PGlite" : "PostgreSQL"})`);
  const { ensureFirstAdmin } = await import("./lib/application/auth/admins");
  const admin = await ensureFirstAdmin(database);
  if (admin?.generatedPassword) {
    // Printed once, when the account is created; README: how to choose your own.
    console.log(
      `Rewind: created the admin ${admin.email} with the password ${admin.generatedPassword}\n` +
        `        (shown only now; set ADMIN_EMAIL and ADMIN_PASSWORD and restart to choose your own)`,
    );
  } else if (admin && admin.change !== "unchanged")
    console.log(`Rewind: admin ${admin.email} ${admin.change} from ADMIN_EMAIL / ADMIN_PASSWORD`);
  const seeded = await seedDemoDataIfEmpty();
  if (seeded) console.log(`Rewind: ${seeded}`);
  const { startProjectionRunner, projections } = await import("./lib/application/projections");
  await startProjectionRunner();
  console.log(`Rewind: keeping ${projections.length} projection(s) caught up: ${projections.map((p) => p.name).join(", ")}`);
}
