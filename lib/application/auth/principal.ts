// Who is asking: a signed-in admin (browser session) or a service holding an API token.
export type Principal =
  | { kind: "admin"; adminId: string; email: string; sessionTokenHash: string; csrfToken: string }
  | { kind: "token"; tokenId: string; name: string; createdBy: string };

/** How a principal appears as the actor in event metadata and the audit trail. */
export function actorOf(principal: Pick<Extract<Principal, { kind: "admin" }>, "kind" | "email"> | Principal): string {
  return principal.kind === "admin" ? `admin:${principal.email}` : `token:${principal.name}#${principal.tokenId.slice(0, 8)}`;
}
