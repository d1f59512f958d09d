import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { sessionUser } from "@/lib/auth/session";

export const metadata = { title: "Sign in" };

export default async function PlatformSignIn({ searchParams }: { searchParams: Promise<{ mfa?: string }> }) {
  if (await sessionUser(null)) redirect("/workspaces");
  const { mfa } = await searchParams;
  return (
    <AuthCard
      title="Sign in to LogiAccounting Pro"
      footer={
        <>
          New here?{" "}
          <Link href="/sign-up" className="text-blue-700 underline">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm next="/workspaces" mfa={mfa === "1"} />
    </AuthCard>
  );
}
