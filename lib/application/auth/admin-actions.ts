// What admins do to Rewind itself (sign in, create or revoke API tokens) is recorded in the same
// append-only log as everything else — stream admin-<id> — so the audit trail has it all.
import type { AdminActionType } from "../../domain/access/admin-action-types";
import { getServices } from "../services";
import { actorOf, type Principal } from "./principal";

// Each type named through the list, so that a new action cannot be recorded without being listed.
export type AdminAction =
  | { type: Extract<AdminActionType, "admin.signed_in">; data: Record<string, never> }
  | { type: Extract<AdminActionType, "admin.api_token_created">; data: { tokenId: string; name: string; scopes?: string[] } }
  | { type: Extract<AdminActionType, "admin.api_token_revoked">; data: { tokenId: string; name: string } };

export async function recordAdminAction(
  admin: Pick<Extract<Principal, { kind: "admin" }>, "adminId" | "email">,
  action: AdminAction,
  correlationId: string,
): Promise<void> {
  const { store } = await getServices();
  await store.appendToStream(`admin-${admin.adminId}`, [{ ...action, metadata: { schemaVersion: 1 } }], {
    expectedVersion: "any",
    metadata: { actor: actorOf({ kind: "admin", email: admin.email }), correlationId },
  });
}
