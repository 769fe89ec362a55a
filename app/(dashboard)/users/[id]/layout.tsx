import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { NotFound } from "@/lib/application/errors";
import { getUser } from "@/lib/application/users/user-queries";
import { userIdPattern } from "@/lib/validation/users";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

// "No such user" is decided here, before the page's loading.tsx starts streaming: once it streams,
// the 200 is sent and a not-found could only be drawn, not answered with 404. The not-found UI is
// one segment up (users/not-found.tsx), since a segment's own boundary sits inside its layout.
export default async function UserLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  // Layouts render alongside their parents: this one must not read a user for a visitor either.
  await requireSignedIn();
  const { id } = await params;
  if (!userIdPattern.test(id)) notFound();
  try {
    await getUser(id);
  } catch (error) {
    if (error instanceof NotFound) notFound();
    throw error;
  }
  return children;
}
