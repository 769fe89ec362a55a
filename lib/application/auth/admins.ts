// Admin accounts: the first comes from ADMIN_EMAIL / ADMIN_PASSWORD (or, on a demo without them, is
// created with a generated password left in a file for its owner).
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Queryable } from "../../db/database";
import { hashPassword, verifyPassword } from "../users/passwords";
import { announceCredentialsEnded } from "./credential-watch";
import { newSecret } from "./secrets";

export const demoAdminEmail = "admin@rewind.local";

const adminEnvironment = z.object({
  ADMIN_EMAIL: z.email("ADMIN_EMAIL must be an email address").optional(),
  ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters").max(200).optional(),
});

export interface FirstAdminOutcome {
  email: string;
  /** Set only when Rewind chose the password: show it once. */
  generatedPassword?: string;
  change: "created" | "password updated" | "unchanged";
}

export const initialAdminPasswordFile = path.join(".data", "initial-admin-password");

/** Leaves the generated password where only this OS user can read it (never in the log); returns the file. */
export async function writeInitialAdminPassword(password: string, file = initialAdminPasswordFile): Promise<string> {
  await mkdir(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  await writeFile(/*turbopackIgnore: true*/ file, `${password}\n`, { mode: 0o600 });
  return file;
}

/**
 * With ADMIN_EMAIL and ADMIN_PASSWORD: that admin exists with that password (created, or its password
 * reset — how an operator regains access). Without them: when there is no admin at all, one is
 * created with a generated password.
 */
export async function ensureFirstAdmin(
  database: Queryable,
  env: Record<string, string | undefined> = process.env,
): Promise<FirstAdminOutcome | undefined> {
  const parsed = adminEnvironment.safeParse({
    ADMIN_EMAIL: env.ADMIN_EMAIL || undefined,
    ADMIN_PASSWORD: env.ADMIN_PASSWORD || undefined,
  });
  if (!parsed.success)
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = parsed.data;
  if ((email === undefined) !== (password === undefined))
    throw new Error("Invalid configuration: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither");

  if (email && password) {
    const normalized = email.toLowerCase();
    const [existing] = await database.query<{ id: string; password_hash: string }>(
      "SELECT id, password_hash FROM admins WHERE email = $1",
      [normalized],
    );
    if (existing && (await verifyPassword(password, existing.password_hash)))
      return { email: normalized, change: "unchanged" };
    const hash = await hashPassword(password);
    if (existing) {
      await database.query("UPDATE admins SET password_hash = $2 WHERE id = $1", [existing.id, hash]);
      // A new password signs out every browser that knew the old one.
      await database.query("DELETE FROM admin_sessions WHERE admin_id = $1", [existing.id]);
      await announceCredentialsEnded(database, "session");
      return { email: normalized, change: "password updated" };
    }
    await database.query("INSERT INTO admins (id, email, password_hash) VALUES ($1, $2, $3)", [
      randomUUID(),
      normalized,
      hash,
    ]);
    return { email: normalized, change: "created" };
  }

  const [any] = await database.query("SELECT 1 FROM admins LIMIT 1");
  if (any) return undefined;
  const generatedPassword = newSecret().slice(0, 20);
  const inserted = await database.query(
    "INSERT INTO admins (id, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id",
    [randomUUID(), demoAdminEmail, await hashPassword(generatedPassword)],
  );
  return inserted.length === 0 ? undefined : { email: demoAdminEmail, generatedPassword, change: "created" };
}

/** The admin with this email and password, or undefined (in about the same time either way). */
export async function adminWithPassword(
  database: Queryable,
  email: string,
  password: string,
): Promise<{ id: string; email: string } | undefined> {
  const [admin] = await database.query<{ id: string; email: string; password_hash: string }>(
    "SELECT id, email, password_hash FROM admins WHERE email = $1",
    [email.trim().toLowerCase()],
  );
  // Without an account, hash anyway: the answer's timing does not tell which emails are admins.
  const ok = await verifyPassword(password, admin?.password_hash ?? timingDecoy);
  return admin && ok ? { id: admin.id, email: admin.email } : undefined;
}

const timingDecoy = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
