// Crypto-shredding: the personal fields of a user's events (names, emails) are encrypted with that
// user's own key (AES-256-GCM), kept apart in user_keys. Deleting the key erases the data from the
// immutable log: the events stay, their personal fields read as "[erased]".
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { erasedValue, userStreamType } from "../../domain/users";
import type { Queryable, Statement } from "../../db/database";
import type { NewEvent, RecordedEvent } from "../../eventstore";

/** The fields of each event type that hold personal data. */
export const personalFields: Record<string, readonly string[]> = {
  "user.registered": ["name", "email"],
  "user.renamed": ["name", "previousName"],
  "user.email_changed": ["email", "previousEmail"],
};

const marker = "enc:v1:";

// The stream and field are authenticated with the ciphertext: a value copied into another user's
// event, or into another field, does not decrypt.
const associatedData = (streamId: string, field: string) => Buffer.from(`${streamId}|${field}`, "utf8");

export function encryptValue(key: Buffer, streamId: string, field: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(associatedData(streamId, field));
  const ciphertext = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return marker + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

/** The value in clear; "[erased]" without the key (forgotten) or when it does not authenticate. */
export function decryptValue(key: Buffer | undefined, streamId: string, field: string, value: unknown): unknown {
  // Values written before encryption existed are plain text: they pass as they are.
  if (typeof value !== "string" || !value.startsWith(marker)) return value;
  if (!key) return erasedValue;
  try {
    const bytes = Buffer.from(value.slice(marker.length), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAAD(associatedData(streamId, field));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return erasedValue;
  }
}

export const newUserKey = () => randomBytes(32);

/** The user's key: undefined before their first personal event (see storeUserKey) and once forgotten. */
export async function userKey(database: Queryable, userId: string): Promise<Buffer | undefined> {
  const [row] = await database.query<{ key: Uint8Array }>({
    name: "user_keys.select",
    text: "SELECT key FROM user_keys WHERE user_id = $1",
    values: [userId],
  });
  return row ? Buffer.from(row.key) : undefined;
}

/**
 * Stores a new key within the append of the first events encrypted with it (an inline statement):
 * a refused append stores no key, and a key stored meanwhile by a concurrent command fails the
 * append (user_keys_pkey) rather than leave events encrypted with a key that was never kept.
 */
export function storeUserKey(userId: string, key: Buffer): Statement {
  return {
    name: "user_keys.insert",
    text: "INSERT INTO user_keys (user_id, key) SELECT $1::uuid, $2::bytea WHERE EXISTS (SELECT 1 FROM appended)",
    values: [userId, key],
  };
}

/** A concurrent command stored this user's key first: the append was refused, to be tried again. */
export function isUserKeyTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === "23505" && constraint === "user_keys_pkey";
}

export function encryptPersonalData(event: NewEvent, streamId: string, key: Buffer): NewEvent {
  const fields = personalFields[event.type];
  if (!fields) return event;
  const data = { ...event.data };
  for (const field of fields) {
    const value = data[field];
    if (typeof value === "string") data[field] = encryptValue(key, streamId, field, value);
  }
  return { ...event, data };
}

const userIdOf = (streamId: string) => streamId.slice(userStreamType.length + 1);

/** Events as read from the log, with their personal fields decrypted (one key lookup per batch). */
export async function decryptPersonalData(database: Queryable, events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const encrypted = (event: RecordedEvent) =>
    personalFields[event.type]?.some((field) => typeof event.data[field] === "string" && (event.data[field] as string).startsWith(marker));
  const userIds = [...new Set(events.filter(encrypted).map((event) => userIdOf(event.streamId)))];
  if (userIds.length === 0) return events;
  const rows = await database.query<{ user_id: string; key: Uint8Array }>(
    "SELECT user_id, key FROM user_keys WHERE user_id = ANY($1::uuid[])",
    [userIds],
  );
  const keys = new Map(rows.map((row) => [row.user_id, Buffer.from(row.key)]));
  return events.map((event) => {
    if (!encrypted(event)) return event;
    const key = keys.get(userIdOf(event.streamId));
    const data = { ...event.data };
    for (const field of personalFields[event.type]!) data[field] = decryptValue(key, event.streamId, field, data[field]) as never;
    return { ...event, data };
  });
}
