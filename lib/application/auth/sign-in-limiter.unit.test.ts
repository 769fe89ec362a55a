import { describe, expect, it } from "vitest";
import { createSignInLimiter } from "./sign-in-limiter";

describe("sign-in limiter", () => {
  const minute = 60_000;

  it("allows four failures, refuses after the fifth until the oldest leaves the window", () => {
    const limiter = createSignInLimiter({ maxFailures: 5, windowMs: 15 * minute });
    const keys = ["email:a@b.c"];
    for (let i = 0; i < 4; i++) limiter.failed(keys, i * minute);
    expect(limiter.retryAfter(keys, 4 * minute)).toBe(0);
    limiter.failed(keys, 4 * minute);
    // The first failure (at 0) leaves the window at 15 minutes.
    expect(limiter.retryAfter(keys, 5 * minute)).toBe(10 * minute);
    expect(limiter.retryAfter(keys, 15 * minute)).toBe(0);
  });

  it("limits by any of the keys (the email or the address), and a success clears only what it is given", () => {
    const limiter = createSignInLimiter({ maxFailures: 2, windowMs: minute });
    limiter.failed(["email:x", "address:1"], 0);
    limiter.failed(["email:y", "address:1"], 0);
    expect(limiter.retryAfter(["email:z", "address:1"], 1)).toBeGreaterThan(0);
    expect(limiter.retryAfter(["email:z", "address:2"], 1)).toBe(0);
    limiter.succeeded(["email:x"]);
    expect(limiter.retryAfter(["address:1"], 1)).toBeGreaterThan(0);
  });

  it("keeps a bounded number of keys under a flood of made-up emails", () => {
    const limiter = createSignInLimiter({ maxFailures: 5, windowMs: minute, maxKeys: 1000 });
    for (let i = 0; i < 10_000; i++) limiter.failed([`email:${i}`], 0);
    // The newest are still remembered.
    limiter.failed(["email:9999"], 0);
    expect(limiter.retryAfter(["email:9999"], 0)).toBe(0);
    for (let i = 0; i < 3; i++) limiter.failed(["email:9999"], 0);
    expect(limiter.retryAfter(["email:9999"], 0)).toBeGreaterThan(0);
  });
});
