// What admins do to Rewind itself (sign in, create or revoke API tokens) is recorded in the same
// append-only log as everything else — stream admin-<id> — so the audit trail has it all.
import type { AdminActionType } from "../../domain/access/admin-action-types";
import { commandHandler } from "../command-handler";
import { getServices } from "../services";
import { actorOf, type Principal } from "./principal";

// Each type named through the list, so that a new action cannot be recorded without being listed.
export type AdminAction =
  | { type: Extract<AdminActionType, "admin.signed_in">; data: Record<string, never> }
  | {
      type: Extract<AdminActionType, "admin.api_token_created">;
      data: { tokenId: string; name: string; scopes?: string[] };
    }
  | { type: Extract<AdminActionType, "admin.api_token_revoked">; data: { tokenId: string; name: string } };

type RecordAdminAction = { adminId: string; action: AdminAction };

export const adminStreamId = (adminId: string) => `admin-${adminId}`;

// An admin's stream records what they did; nothing is decided on it: no state to load, and each
// action is appended wherever the stream stands.
const handleAdminAction = commandHandler<RecordAdminAction, null, AdminAction>({
  store: async () => (await getServices()).store,
  streamId: (command) => adminStreamId(command.adminId),
  load: async () => ({ state: null, version: "any" }),
  decide: (command) => [command.action],
  evolve: (state) => state,
  plan: ({ events }) => ({ events: events.map((event) => ({ ...event, metadata: { schemaVersion: 1 } })) }),
});

export async function recordAdminAction(
  admin: Pick<Extract<Principal, { kind: "admin" }>, "adminId" | "email">,
  action: AdminAction,
  correlationId: string,
): Promise<void> {
  await handleAdminAction(
    { adminId: admin.adminId, action },
    { actor: actorOf({ kind: "admin", email: admin.email }), correlationId },
  );
}
