"use client";

import { useActionState } from "react";
import type { Role } from "@/lib/auth/permissions";
import { changeRoleAction, removeMemberAction, transferOwnershipAction, type TeamFormState } from "@/lib/team/actions";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";

interface Props {
  userId: string;
  label: string;
  role: Role;
  /** Roles the viewer may set for this member; empty when they may not change it. */
  roles: Role[];
  canRemove: boolean;
  isSelf: boolean;
  canTransfer: boolean;
}

function Message({ state }: { state: TeamFormState }) {
  if (!state.message) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={`text-xs ${state.ok ? "text-green-700" : "text-red-700"}`}>
      {state.message}
    </p>
  );
}

/** The per-member controls of the team page: role, remove (or leave), make owner. */
export function MemberActions({ userId, label, role, roles, canRemove, isSelf, canTransfer }: Props) {
  const [roleState, roleAction, changing] = useActionState<TeamFormState, FormData>(changeRoleAction, {});
  const [removeState, removeAction, removing] = useActionState<TeamFormState, FormData>(removeMemberAction, {});
  const [transferState, transferAction, transferring] = useActionState<TeamFormState, FormData>(
    transferOwnershipAction,
    {},
  );
  return (
    <div className="flex flex-wrap items-center justify-end gap-3">
      <NavigateOnSuccess to={removeState.redirectTo} />
      {roles.length > 0 && (
        <form action={roleAction} className="flex items-center gap-2" aria-label={`Role of ${label}`}>
          <input type="hidden" name="userId" value={userId} />
          <select
            name="role"
            defaultValue={role}
            aria-label={`New role for ${label}`}
            className="rounded-lg border border-slate-300 px-2 py-1 text-sm"
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <button disabled={changing} className="rounded-lg border border-slate-300 px-2 py-1 text-sm">
            {changing ? "Saving…" : "Change role"}
          </button>
        </form>
      )}
      {canTransfer && (
        <form
          action={transferAction}
          onSubmit={(event) => {
            if (!window.confirm(`Make ${label} the owner? You will become an admin.`)) event.preventDefault();
          }}
        >
          <input type="hidden" name="userId" value={userId} />
          <button disabled={transferring} className="text-sm text-slate-700 underline">
            Transfer ownership
          </button>
        </form>
      )}
      {canRemove && (
        <form
          action={removeAction}
          onSubmit={(event) => {
            const question = isSelf ? "Leave this workspace?" : `Remove ${label} from the workspace?`;
            if (!window.confirm(question)) event.preventDefault();
          }}
        >
          <input type="hidden" name="userId" value={userId} />
          {isSelf && <input type="hidden" name="self" value="1" />}
          <button disabled={removing} className="text-sm text-red-700 underline">
            {isSelf ? "Leave" : "Remove"}
          </button>
        </form>
      )}
      <div className="basis-full text-right">
        <Message state={roleState} />
        <Message state={removeState} />
        <Message state={transferState} />
      </div>
    </div>
  );
}
