// The events an admin's own actions record (stream admin-<id>): the browser needs their names to
// follow them on the event stream and to filter by them; lib/application/auth/admin-actions.ts records them.
export const adminActionTypes = ["admin.signed_in", "admin.api_token_created", "admin.api_token_revoked"] as const;

export type AdminActionType = (typeof adminActionTypes)[number];
