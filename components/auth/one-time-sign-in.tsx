/**
 * Magic links and handoffs open a page with a button instead of signing in on GET: mail
 * scanners that prefetch links cannot use up a token, and a link someone else sends you
 * cannot silently sign you in to their account (login CSRF). The form posts to a route
 * handler that answers with a real redirect (see app/api/auth/one-time/route.ts).
 */
export function OneTimeSignIn({
  token,
  purpose = "magic-link",
  label = "Continue to sign in",
}: {
  token: string;
  purpose?: "magic-link" | "handoff";
  label?: string;
}) {
  return (
    <form action="/api/auth/one-time" method="post" className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="purpose" value={purpose} />
      <button type="submit" className="bg-brand w-full rounded-lg px-4 py-2 font-semibold text-white">
        {label}
      </button>
    </form>
  );
}
