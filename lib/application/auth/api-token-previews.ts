// Dry runs of the API-token commands (decision 028): the same rules as creating or revoking a token,
// and the admin action each would record, with nothing written. A token is no stream with versions,
// so a preview is always decided now. No secret appears: a previewed token would not exist.
import { normaliseScopes, type ApiScope } from "../../domain/access/scopes";
import type { AdminActionType } from "../../domain/access/admin-action-types";
import { getServices } from "../services";
import { adminStreamId } from "./admin-actions";
import { findApiToken, tokenAfterRevocation, type ApiTokenView } from "./api-tokens";
import type { Principal } from "./principal";

/** A token as creating it would make it: no id, creation time or secret, which only creating issues. */
export type TokenAsDecided = Omit<ApiTokenView, "id" | "createdAt"> & Partial<Pick<ApiTokenView, "id" | "createdAt">>;

export interface ApiTokenPreview {
  dryRun: true;
  decidedAgainst: { point: "now" };
  /** The admin action it would record, in the admin's stream. */
  events: { type: AdminActionType; stream: string; data: Record<string, unknown> }[];
  before: ApiTokenView | null;
  state: TokenAsDecided;
}

type Admin = Pick<Extract<Principal, { kind: "admin" }>, "adminId" | "email">;

/** What creating a token would record and make: its name, scopes and creator; never an id, hash or secret. */
export function previewCreateApiToken(admin: Admin, name: string, scopes: readonly ApiScope[]): ApiTokenPreview {
  const normalised = normaliseScopes(scopes);
  return {
    dryRun: true,
    decidedAgainst: { point: "now" },
    events: [
      { type: "admin.api_token_created", stream: adminStreamId(admin.adminId), data: { name, scopes: normalised } },
    ],
    before: null,
    state: { name, scopes: normalised, createdBy: admin.email, lastUsedAt: null, revokedAt: null },
  };
}

/** What revoking a token would record and leave: an unknown token → 404, as revoking it answers. */
export async function previewRevokeApiToken(admin: Admin, tokenId: string): Promise<ApiTokenPreview> {
  const before = await findApiToken((await getServices()).database, tokenId);
  return {
    dryRun: true,
    decidedAgainst: { point: "now" },
    events: [
      {
        type: "admin.api_token_revoked",
        stream: adminStreamId(admin.adminId),
        data: { tokenId: before.id, name: before.name },
      },
    ],
    before,
    state: tokenAfterRevocation(before, new Date()),
  };
}
