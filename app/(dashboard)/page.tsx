import { listUsers } from "@/lib/application/users/user-queries";
import { UserList, type UserListFilters } from "@/components/users/user-list";
import { userListQuery } from "@/lib/validation/users";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSignedIn();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(
      ([key, value]) => typeof value === "string" && ["q", "status", "at"].includes(key),
    ),
  );
  const parsed = userListQuery.safeParse(raw);
  const filters: UserListFilters = parsed.success
    ? { q: parsed.data.q, status: parsed.data.status, at: parsed.data.at?.toISOString() }
    : {};
  const initialPage = await listUsers(
    { ...filters, at: parsed.success ? parsed.data.at : undefined, limit: 25 },
    undefined,
  );
  return (
    <section aria-labelledby="users-title" className="space-y-4">
      <div>
        <h1 id="users-title" className="text-2xl font-semibold">
          Users
        </h1>
        <p className="mt-1 text-slate-600">Every change is an event: open a user to travel through its history.</p>
      </div>
      <UserList key={JSON.stringify(filters)} filters={filters} initialPage={initialPage} />
    </section>
  );
}
