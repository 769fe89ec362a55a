import { SignInForm } from "@/components/auth/sign-in-form";
import { sameOriginPath } from "@/lib/validation/return-path";

export const metadata = { title: "Sign in · Rewind" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <div className="mb-6 flex items-center gap-3">
        {/* eslint-disable-next-line @next/next/no-img-element -- a fixed-size SVG icon: next/image has nothing to optimise in it */}
        <img src="/icon.svg" alt="" width={32} height={32} />
        <h1 className="text-2xl font-semibold tracking-tight">Sign in to Rewind</h1>
      </div>
      {/* Only a path on this site: a link to /sign-in?next=//evil.example must not send anyone away. */}
      <SignInForm next={sameOriginPath(next)} />
    </main>
  );
}
