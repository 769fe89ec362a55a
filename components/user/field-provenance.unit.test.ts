import { describe, expect, it } from "vitest";
import type { EventView } from "@/lib/application/users/user-queries";
import { fieldProvenance } from "./field-provenance";
import { buildHistory } from "./history";

/** A user's events as the API hands them to the page, one a day from version 1. */
function userEvents(...events: Pick<EventView, "type" | "data">[]): EventView[] {
  return events.map((event, index) => ({
    ...event,
    position: 100 + index,
    streamId: "user-u-1",
    version: index + 1,
    metadata: { actor: "admin:ada@example.com" },
    recordedAt: `2025-03-${String(index + 1).padStart(2, "0")}T10:00:00.000Z`,
  }));
}

const registered = { type: "user.registered", data: { userId: "u-1", name: "Ada", email: "ada@example.com" } };
const renamed = (name: string, previousName: string) => ({ type: "user.renamed", data: { name, previousName } });

describe("fieldProvenance", () => {
  it("credits every field to the registration at version 1", () => {
    expect(fieldProvenance(buildHistory(userEvents(registered)))).toEqual([
      { name: 1, email: 1, status: 1, deactivationReason: 1 },
    ]);
  });

  it("credits each field to the last event that changed it, at every version", () => {
    const provenance = fieldProvenance(
      buildHistory(
        userEvents(
          registered,
          renamed("Ada King", "Ada"),
          { type: "user.email_changed", data: { email: "ada@king.org", previousEmail: "ada@example.com" } },
          { type: "user.deactivated", data: { reason: "moved away", category: "requested" } },
          renamed("Ada Lovelace", "Ada King"),
          { type: "user.reactivated", data: {} },
        ),
      ),
    );
    expect(provenance).toEqual([
      { name: 1, email: 1, status: 1, deactivationReason: 1 },
      { name: 2, email: 1, status: 1, deactivationReason: 1 },
      { name: 2, email: 3, status: 1, deactivationReason: 1 },
      { name: 2, email: 3, status: 4, deactivationReason: 4 },
      { name: 5, email: 3, status: 4, deactivationReason: 4 },
      { name: 5, email: 3, status: 6, deactivationReason: 6 },
    ]);
  });

  it("leaves the fields to their earlier events when an event changes none of them (a password change)", () => {
    const provenance = fieldProvenance(
      buildHistory(userEvents(registered, renamed("Ada King", "Ada"), { type: "user.password_changed", data: {} })),
    );
    expect(provenance[2]).toEqual({ name: 2, email: 1, status: 1, deactivationReason: 1 });
  });

  it("credits the erased name and email and the status to the erasure", () => {
    const provenance = fieldProvenance(
      buildHistory(userEvents(registered, renamed("Ada King", "Ada"), { type: "user.forgotten", data: {} })),
    );
    expect(provenance[2]).toEqual({ name: 3, email: 3, status: 3, deactivationReason: 1 });
  });

  it("credits a rename back to an earlier name to the rename, not to the event that first set that name", () => {
    const provenance = fieldProvenance(
      buildHistory(userEvents(registered, renamed("Ada King", "Ada"), renamed("Ada", "Ada King"))),
    );
    expect(provenance[2]!.name).toBe(3);
  });
});
