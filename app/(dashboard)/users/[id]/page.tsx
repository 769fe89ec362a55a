import { notFound } from "next/navigation";
import { NotFound } from "@/lib/application/errors";
import { getUser, getUserEvents } from "@/lib/application/users/user-queries";
import { UserTimeTravel } from "@/components/user/user-time-travel";
import type { InitialPoint } from "@/components/user/time-travel-state";
import { userIdPattern, userPointQuery } from "@/lib/validation/users";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSignedIn();
  const { id } = await params;
  if (!userIdPattern.test(id)) notFound();
  const query = userPointQuery.safeParse(
    Object.fromEntries(Object.entries(await searchParams).filter(([, value]) => typeof value === "string")),
  );
  const point: InitialPoint = !query.success
    ? null
    : query.data.version !== undefined
      ? { version: query.data.version }
      : query.data.at
        ? { at: query.data.at.toISOString() }
        : null;

  let data;
  try {
    const [user, events] = await Promise.all([getUser(id), getUserEvents(id)]);
    data = { user, events };
  } catch (error) {
    if (error instanceof NotFound) notFound();
    throw error;
  }

  return <UserTimeTravel id={id} initialData={data} initialPoint={point} />;
}
