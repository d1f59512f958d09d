import { redirect } from "next/navigation";
import { openWorkspace } from "@/lib/auth/actions";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { sessionUser, workspacesOf } from "@/lib/auth/session";

export const metadata = { title: "Your workspaces" };

export default async function WorkspacesPage() {
  const user = await sessionUser(null);
  if (!user) redirect("/sign-in");
  const workspaces = await workspacesOf(user.id);
  return (
    <main className="mx-auto max-w-2xl px-6 py-12">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-bold">Your workspaces</h1>
        <SignOutButton label={`Sign out ${user.email}`} />
      </div>
      {workspaces.length === 0 ? (
        <p className="mt-6 text-slate-600">
          You are not a member of any workspace yet. Ask an admin for an invitation.
        </p>
      ) : (
        <ul className="mt-6 space-y-3" data-testid="workspace-list">
          {workspaces.map((w) => (
            <li
              key={w.id}
              className="flex items-center justify-between rounded-xl border border-slate-200 bg-white p-4"
            >
              <div>
                <p className="font-semibold">{w.name}</p>
                <p className="text-sm text-slate-500">
                  {w.primaryDomain ?? `${w.slug}.${process.env.ROOT_DOMAIN || "localhost:3000"}`} · {w.role}
                </p>
              </div>
              <form action={openWorkspace}>
                <input type="hidden" name="tenantId" value={w.id} />
                <button className="rounded-lg bg-blue-700 px-3 py-1.5 text-sm font-medium text-white">Open</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
