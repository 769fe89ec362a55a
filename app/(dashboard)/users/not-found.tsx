import Link from "next/link";

export default function UserNotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
      <h1 className="text-xl font-semibold">No such user</h1>
      <p className="mt-2 text-slate-600">This user does not exist, or its id is mistyped.</p>
      <Link href="/" className="mt-4 inline-block text-indigo-700 hover:underline">
        Back to the users
      </Link>
    </div>
  );
}
