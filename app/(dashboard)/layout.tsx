import type { ReactNode } from "react";
import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { requireSignedIn } from "@/lib/http/page-auth";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const admin = await requireSignedIn();
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-3 px-4 py-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- a fixed-size SVG icon: next/image has nothing to optimise in it */}
          <img src="/icon.svg" alt="" width={24} height={24} />
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Rewind
          </Link>
          <nav aria-label="Main" className="ml-6 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <Link href="/" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              Users
            </Link>
            <Link href="/events" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              Events
            </Link>
            <Link href="/reports" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              Reports
            </Link>
            <Link href="/audit" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              Audit
            </Link>
            <Link href="/admin/projections" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              Projections
            </Link>
            <Link href="/admin/tokens" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              API tokens
            </Link>
            <Link href="/docs/api" className="whitespace-nowrap text-slate-700 hover:text-indigo-700">
              API reference
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
            <span data-testid="signed-in-as">{admin.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </>
  );
}
