import { AuthCard } from "@/components/auth/card";
import { OneTimeSignIn } from "@/components/auth/one-time-sign-in";

export const metadata = { title: "Sign in with a link" };

export default async function MagicLinkPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = "" } = await searchParams;
  return (
    <AuthCard title="Sign in with your link">
      <OneTimeSignIn token={token} />
    </AuthCard>
  );
}
