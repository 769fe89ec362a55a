// Crypto-shredding: the personal fields of a user's events (names, emails, password hashes, free
// text) are encrypted with that user's own key (AES-256-GCM), kept apart in user_keys. Deleting the
// key erases the data from the immutable log: the events stay, their personal fields read "[erased]".
//
// Whatever writes data decrypted from a user's events into a table (a projection, a snapshot, a
// stored reply) holds that user's key row with FOR SHARE in the writing transaction
// (`holdKeysForWriting`): forgetting deletes the row, so it either waits for that transaction and
// then erases what it wrote, or the writer finds the key gone and writes "[erased]" instead.
import { AsyncLocalStorage } from "node:async_hooks";
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from "node:crypto";
import { erasedValue, userStreamType } from "../../domain/users";
import type { Queryable, Statement } from "../../db/database";
import type { FoldCompanion, NewEvent, RecordedEvent } from "../../eventstore";
import { userIdPattern } from "../../validation/users";

/** The fields of each event type that hold personal data. */
export const personalFields: Record<string, readonly string[]> = {
  "user.registered": ["name", "email", "passwordHash"],
  "user.renamed": ["name", "previousName"],
  "user.email_changed": ["email", "previousEmail"],
  "user.password_changed": ["passwordHash"],
  // Free text an admin typed ("Signed up by phone: <name>"): personal data as likely as not.
  "user.deactivated": ["reason"],
};

/**
 * Of those, the fields the user's fold reads (evolve): a fold decrypts only these. The previous
 * name or email and the command's reason are for readers of the log, and stay sealed in a fold.
 */
export const foldedFields: Record<string, readonly string[]> = {
  "user.registered": ["name", "email", "passwordHash"],
  "user.renamed": ["name"],
  "user.email_changed": ["email"],
  "user.password_changed": ["passwordHash"],
  "user.deactivated": ["reason"],
};

/** The command's reason, kept in each event's metadata: free text too. */
const reasonField = "metadata.reason";

const marker = "enc:v1:";

// The stream and field are authenticated with the ciphertext: a value copied into another user's
// event, or into another field, does not decrypt.
const associatedData = (streamId: string, field: string) => Buffer.from(`${streamId}|${field}`, "utf8");

// IVs are cut from a pool of random bytes filled a thousand at a time (as randomUUID does): one call
// into the system's generator per value was the largest cost of encrypting a seed of a million users.
const ivLength = 12;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;
function nextIv(): Buffer {
  if (ivOffset + ivLength > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafe(ivLength * 1024));
    ivOffset = 0;
  }
  ivOffset += ivLength;
  return ivPool.subarray(ivOffset - ivLength, ivOffset);
}

export function encryptValue(key: Buffer, streamId: string, field: string, value: string): string {
  const iv = nextIv();
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

// A command folds the user's stream (decrypting it with the user's key) and then encrypts its new
// events with the same key: the keys its fold read are kept for that one attempt, so the key is read
// once, not twice (docs/BENCHMARKS.md, bench:api). Never longer: forgetting deletes a key, and a key
// kept in memory past the command that read it would outlive the erasure.
const keysReadByAttempt = new AsyncLocalStorage<Map<string, Buffer>>();

/** Runs one command with its own memory of the keys it reads (see userKey and decryptPersonalData). */
export function withKeysReadOnce<T>(run: () => Promise<T>): Promise<T> {
  return keysReadByAttempt.run(new Map(), run);
}

/** A new attempt of the command (after a lost race) reads every key afresh. */
export function forgetKeysRead(): void {
  keysReadByAttempt.getStore()?.clear();
}

/** The user's key: undefined before their first personal event (see storeUserKey) and once forgotten. */
export async function userKey(database: Queryable, userId: string): Promise<Buffer | undefined> {
  const readByThisAttempt = keysReadByAttempt.getStore()?.get(userId);
  if (readByThisAttempt) return readByThisAttempt;
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
    // Short: the append's composed name must stay within PostgreSQL's 63 bytes to be prepared once.
    name: "key",
    text: "INSERT INTO user_keys (user_id, key) SELECT $1::uuid, $2::bytea WHERE EXISTS (SELECT 1 FROM appended)",
    values: [userId, key],
  };
}

/** A concurrent command stored this user's key first: the append was refused, to be tried again. */
export function isUserKeyTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === "23505" && constraint === "user_keys_pkey";
}

// Why a user was forgotten stays readable: it is the record of the erasure itself (give a ticket
// number there, not personal data). Every other reason is sealed with the user's key.
const keepsReasonInClear = (commandType: string) => commandType === "ForgetUser";

/** Whether a command's events (and reason) need the user's key to be written. */
export function needsUserKey(
  commandType: string,
  events: readonly { type: string }[],
  reason: string | undefined,
): boolean {
  return (
    events.some((event) => personalFields[event.type]) || (reason !== undefined && !keepsReasonInClear(commandType))
  );
}

/** A command's reason as its events' metadata keeps it: encrypted with the user's key. */
export function reasonMetadata(
  commandType: string,
  reason: string,
  streamId: string,
  key: Buffer | undefined,
): { reason: string } {
  return {
    reason: key && !keepsReasonInClear(commandType) ? encryptValue(key, streamId, reasonField, reason) : reason,
  };
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
const isUserStream = (streamId: string) => streamId.startsWith(`${userStreamType}-`);
/** The user whose stream this is; undefined for other streams. */
export const userIdOfStream = (streamId: string) => (isUserStream(streamId) ? userIdOf(streamId) : undefined);
const isSealed = (value: unknown): value is string => typeof value === "string" && value.startsWith(marker);
const hasSealedFields = (event: RecordedEvent) =>
  isSealed(event.metadata.reason) ||
  (personalFields[event.type]?.some((field) => isSealed(event.data[field])) ?? false);

/**
 * A user's key, read by the fold of their stream in the fold's own statement (the event store's
 * `foldCompanion`): a command's fold and the key it decrypts and encrypts with cost one round trip.
 */
export function keyWithFold(streamId: string): Statement | undefined {
  const userId = userIdOfStream(streamId);
  if (userId === undefined || !userIdPattern.test(userId)) return undefined;
  return {
    name: "user_keys.with_fold",
    text: "SELECT jsonb_build_object('key', encode(key, 'base64')) FROM user_keys WHERE user_id = $1::uuid",
    values: [userId],
  };
}

/** The key a fold's companion read (see keyWithFold): undefined when the user has none (forgotten, or not yet). */
function keyOfCompanion(value: unknown): Buffer | undefined {
  const key = (value as { key?: unknown } | null)?.key;
  return typeof key === "string" ? Buffer.from(key, "base64") : undefined;
}

/**
 * Events as read from the log, with their personal fields decrypted (one key lookup per batch). With
 * `companion`, the events are a fold's (see keyWithFold): the key came with them, and only the fields
 * the fold reads are decrypted (foldedFields).
 */
export async function decryptPersonalData(
  database: Queryable,
  events: RecordedEvent[],
  companion?: FoldCompanion,
): Promise<RecordedEvent[]> {
  const keys = new Map<string, Buffer | undefined>();
  const companionUser = companion === undefined ? undefined : userIdOfStream(companion.streamId);
  if (companionUser !== undefined) keys.set(companionUser, keyOfCompanion(companion?.value));
  const userIds = [...new Set(events.filter(hasSealedFields).map((event) => userIdOf(event.streamId)))];
  const unread = userIds.filter((userId) => !keys.has(userId));
  if (unread.length > 0) {
    const rows = await database.query<{ user_id: string; key: Uint8Array }>(
      "SELECT user_id, key FROM user_keys WHERE user_id = ANY($1::uuid[])",
      [unread],
    );
    for (const userId of unread) keys.set(userId, undefined);
    for (const row of rows) keys.set(row.user_id, Buffer.from(row.key));
  }
  const readByThisAttempt = keysReadByAttempt.getStore();
  for (const [userId, key] of keys) {
    if (key) readByThisAttempt?.set(userId, key);
    else readByThisAttempt?.delete(userId);
  }
  if (userIds.length === 0) return events;
  const fields = companion ? foldedFields : personalFields;
  return events.map((event) => {
    if (!hasSealedFields(event)) return event;
    const key = keys.get(userIdOf(event.streamId));
    const data = { ...event.data };
    for (const field of fields[event.type] ?? [])
      data[field] = decryptValue(key, event.streamId, field, data[field]) as never;
    const metadata =
      !companion && isSealed(event.metadata.reason)
        ? { ...event.metadata, reason: decryptValue(key, event.streamId, reasonField, event.metadata.reason) as string }
        : event.metadata;
    return { ...event, data, metadata };
  });
}

/**
 * Of these users, the ones whose personal data may be written now, in clear, by the transaction
 * `tx`: their key rows are held FOR SHARE until it ends, so forgetting one of them waits for it (and
 * then erases what it wrote). A user without a key was either forgotten (not writable) or registered
 * before encryption existed (writable: their events are in clear anyway).
 */
export async function holdKeysOf(tx: Queryable, userIds: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(userIds)];
  if (wanted.length === 0) return new Set();
  const held = await tx.query<{ user_id: string }>(
    "SELECT user_id FROM user_keys WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR SHARE",
    [wanted],
  );
  const writable = new Set(held.map((row) => row.user_id));
  const keyless = wanted.filter((userId) => !writable.has(userId));
  if (keyless.length === 0) return writable;
  // Forgetting records user.forgotten before it deletes the key: a missing key of a forgotten user
  // always comes with that event, visible here.
  const forgotten = await tx.query<{ stream_id: string }>(
    "SELECT DISTINCT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND type = 'user.forgotten'",
    [keyless.map((userId) => `${userStreamType}-${userId}`)],
  );
  const erased = new Set(forgotten.map((row) => userIdOf(row.stream_id)));
  for (const userId of keyless) if (!erased.has(userId)) writable.add(userId);
  return writable;
}

/**
 * Events decrypted earlier, made safe to write within `tx`: their users' keys are held (see
 * `holdKeysOf`), and the personal fields of users forgotten since they were read read "[erased]".
 */
export async function holdKeysForWriting(tx: Queryable, events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const carriesPersonalData = (event: RecordedEvent) =>
    isUserStream(event.streamId) && (personalFields[event.type] !== undefined || event.metadata.reason !== undefined);
  const userIds = events.filter(carriesPersonalData).map((event) => userIdOf(event.streamId));
  if (userIds.length === 0) return events;
  const writable = await holdKeysOf(tx, userIds);
  return events.map((event) => {
    if (!carriesPersonalData(event) || writable.has(userIdOf(event.streamId))) return event;
    const data = { ...event.data };
    for (const field of personalFields[event.type] ?? []) if (field in data) data[field] = erasedValue;
    const metadata = event.metadata.reason === undefined ? event.metadata : { ...event.metadata, reason: erasedValue };
    return { ...event, data, metadata };
  });
}
