"use client";

import { useActionState } from "react";
import { signOutAction, type FormState } from "@/lib/auth/actions";
import { NavigateOnSuccess } from "./navigate-on-success";

export function SignOutButton({ label = "Sign out" }: { label?: string }) {
  const [state, action] = useActionState<FormState>(signOutAction, {});
  return (
    <form action={action}>
      <NavigateOnSuccess to={state.redirectTo} />
      <button className="underline">{label}</button>
    </form>
  );
}
