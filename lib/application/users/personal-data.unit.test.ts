import { describe, expect, it } from "vitest";
import { decryptValue, encryptPersonalData, encryptValue, newUserKey } from "./personal-data";

describe("personal data encryption", () => {
  const key = newUserKey();
  const stream = "user-6f1c2b8e-1d1e-4c55-9a57-0d6f4b0c7a11";

  it("round-trips, and never writes the same ciphertext twice", () => {
    const first = encryptValue(key, stream, "name", "Zoë 😀");
    const second = encryptValue(key, stream, "name", "Zoë 😀");
    expect(first).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("Zo");
    expect(decryptValue(key, stream, "name", first)).toBe("Zoë 😀");
  });

  it("reads [erased] without the key, with another key, or when the value was moved to another stream or field", () => {
    const sealed = encryptValue(key, stream, "email", "a@example.com");
    expect(decryptValue(undefined, stream, "email", sealed)).toBe("[erased]");
    expect(decryptValue(newUserKey(), stream, "email", sealed)).toBe("[erased]");
    expect(decryptValue(key, "user-someone-else", "email", sealed)).toBe("[erased]");
    expect(decryptValue(key, stream, "name", sealed)).toBe("[erased]");
  });

  it("passes plain values (written before encryption existed) through", () => {
    expect(decryptValue(undefined, stream, "name", "Plain Name")).toBe("Plain Name");
  });

  it("encrypts only the personal fields of an event", () => {
    const event = encryptPersonalData(
      { type: "user.registered", data: { userId: "u", name: "Ada", email: "ada@example.com", passwordHash: "h" } },
      stream,
      key,
    );
    expect(event.data.userId).toBe("u");
    expect(event.data.passwordHash).toBe("h");
    expect(String(event.data.name)).toMatch(/^enc:v1:/);
    expect(String(event.data.email)).toMatch(/^enc:v1:/);
    const deactivation = { type: "user.deactivated", data: { reason: "x", category: "other" } };
    expect(encryptPersonalData(deactivation, stream, key)).toBe(deactivation);
  });
});
