/** What every accounting form action returns to its useActionState form. */
export interface FormState {
  ok?: boolean;
  /** Host-relative path to open after a success (client-side; see NavigateOnSuccess). */
  redirectTo?: string;
  /** A message about the whole form (not one field). */
  message?: string;
  /** Set when a plan quota refused the change: where to upgrade the plan (shown with the message). */
  upgradeUrl?: string;
  /** Errors by field name, e.g. `name`, `dueDate`, `lines.0.quantity`. */
  fieldErrors?: Record<string, string[]>;
  /** The submitted values, to refill the form after an error. */
  values?: Record<string, string>;
}

export const emptyFormState: FormState = {};
