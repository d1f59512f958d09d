import type { ReactNode } from "react";

/** Form controls that show their field's errors next to them (server or client components). */

const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm focus:border-blue-600 focus:outline-none aria-invalid:border-red-600";

function FieldError({ name, errors }: { name: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <span id={`${name}-error`} className="mt-1 block text-red-700" role="alert" data-field-error={name}>
      {errors.join(" ")}
    </span>
  );
}

export function TextInput({
  label,
  name,
  type = "text",
  defaultValue,
  errors,
  step,
  placeholder,
  hint,
}: {
  label: string;
  name: string;
  type?: string;
  defaultValue?: string;
  errors?: string[];
  step?: string;
  placeholder?: string;
  hint?: ReactNode;
}) {
  return (
    <div className="text-sm">
      <label className="block">
        <span className="font-medium text-slate-700">{label}</span>
        <input
          name={name}
          type={type}
          step={step}
          placeholder={placeholder}
          defaultValue={defaultValue}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${name}-error` : undefined}
          className={inputClass}
        />
      </label>
      {hint && <span className="mt-1 block text-xs text-slate-500">{hint}</span>}
      <FieldError name={name} errors={errors} />
    </div>
  );
}

export function TextArea({
  label,
  name,
  defaultValue,
  errors,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  errors?: string[];
}) {
  return (
    <div className="text-sm">
      <label className="block">
        <span className="font-medium text-slate-700">{label}</span>
        <textarea
          name={name}
          rows={3}
          defaultValue={defaultValue}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${name}-error` : undefined}
          className={inputClass}
        />
      </label>
      <FieldError name={name} errors={errors} />
    </div>
  );
}

export function SelectInput({
  label,
  name,
  defaultValue,
  errors,
  options,
}: {
  label: string;
  name: string;
  defaultValue?: string;
  errors?: string[];
  options: { value: string; label: string }[];
}) {
  return (
    <div className="text-sm">
      <label className="block">
        <span className="font-medium text-slate-700">{label}</span>
        <select
          key={defaultValue}
          name={name}
          defaultValue={defaultValue}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${name}-error` : undefined}
          className={inputClass}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <FieldError name={name} errors={errors} />
    </div>
  );
}

/** The form's message; with `upgradeUrl` (a plan quota refused the change) a link to upgrade the plan. */
export function FormMessage({ message, upgradeUrl }: { message?: string; upgradeUrl?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-message">
      {message}
      {upgradeUrl && (
        <>
          {" "}
          <a href={upgradeUrl} className="font-semibold underline" data-testid="form-upgrade-link">
            Upgrade the plan
          </a>
        </>
      )}
    </p>
  );
}

export function SubmitButton({ pending, children }: { pending: boolean; children: ReactNode }) {
  return (
    <button
      type="submit"
      disabled={pending}
      className="bg-brand rounded-lg px-4 py-2 font-semibold text-white disabled:opacity-60"
    >
      {pending ? "Saving…" : children}
    </button>
  );
}
