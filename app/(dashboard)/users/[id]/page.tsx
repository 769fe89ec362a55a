import { notFound } from "next/navigation";
import { NotFound } from "@/lib/application/errors";
import { getUser, getUserEvents } from "@/lib/application/users/user-queries";
import { UserTimeTravel } from "@/components/user/user-time-travel";
import { initialPointOf } from "@/components/user/time-travel-state";
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
  const point = initialPointOf(query.success ? query.data : null);

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
