import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Rewind",
  description: "An event-sourced user store with a time-travel admin dashboard",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src="/icon.svg" alt="" width={24} height={24} />
            <Link href="/" className="text-lg font-semibold tracking-tight">
              Rewind
            </Link>
            <nav aria-label="Main" className="ml-6 text-sm">
              <Link href="/" className="text-slate-700 hover:text-indigo-700">
                Users
              </Link>
              <Link href="/reports" className="ml-4 text-slate-700 hover:text-indigo-700">
                Reports
              </Link>
              <Link href="/admin/projections" className="ml-4 text-slate-700 hover:text-indigo-700">
                Projections
              </Link>
            </nav>
          </div>
        </header>
        <Providers>
          <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
