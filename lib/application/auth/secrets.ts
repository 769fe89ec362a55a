// Random secrets and how they are kept: only a SHA-256 of a session or API token is stored, so a
// copy of the database lets nobody sign in (the tokens are 256 random bits: no salt or slow hash needed).
import { createHash, randomBytes } from "node:crypto";

export const newSecret = (prefix = "") => `${prefix}${randomBytes(32).toString("base64url")}`;

export const sha256 = (secret: string) => createHash("sha256").update(secret).digest("base64url");
