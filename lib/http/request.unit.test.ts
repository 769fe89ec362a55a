import { describe, expect, it } from "vitest";
import { correlationIdOf } from "./request";

const withCorrelationId = (value: string) =>
  new Request("http://rewind.test/api/users", { headers: { "x-correlation-id": value } });
const generated = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("the correlation id of a request", () => {
  it("keeps a short token the client sent: a UUID, a trace id, a name with dots and colons", () => {
    for (const token of [
      "corr-42",
      "6f1c2b8e-1d1e-4c55-9a57-0d6f4b0c7a11",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "svc.billing:run_7",
      "x".repeat(64),
    ])
      expect(correlationIdOf(withCorrelationId(token))).toBe(token);
  });

  it("replaces free text, which would be kept for ever in events and logs, by a generated id", () => {
    for (const text of ["Jane Doe", "jane@example.com", "call back Jane", "a/b", "x".repeat(65), "naïve", "<script>"])
      expect(correlationIdOf(withCorrelationId(text))).toMatch(generated);
  });

  it("generates one when the client sent none", () => {
    expect(correlationIdOf(new Request("http://rewind.test/api/users"))).toMatch(generated);
  });
});
