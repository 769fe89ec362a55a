// The dashboard's pages read data on the server, so each one checks the session itself (a layout
// alone is not enough: client-side navigation renders a page without its layout).
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { Principal } from "../application/auth/principal";
import { sessionPrincipal } from "../application/auth/sessions";
import { getDatabase } from "../db";
import { sessionCookie } from "./authenticate";

export type SignedInAdmin = Extract<Principal, { kind: "admin" }>;

export async function requireSignedIn(): Promise<SignedInAdmin> {
  const token = (await cookies()).get(sessionCookie)?.value;
  const principal = token && token.length <= 200 ? await sessionPrincipal(await getDatabase(), token) : undefined;
  if (!principal || principal.kind !== "admin") redirect("/sign-in");
  return principal;
}
