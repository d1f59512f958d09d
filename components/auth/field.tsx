export function Field({
  label,
  name,
  type = "text",
  defaultValue,
  errors,
  autoComplete,
}: {
  label: string;
  name: string;
  type?: string;
  defaultValue?: string;
  errors?: string[];
  autoComplete?: string;
}) {
  const errorId = `${name}-error`;
  // The error sits outside the label, tied to the input by aria-describedby, so the field's
  // accessible name stays its label.
  return (
    <div className="text-sm">
      <label className="block">
        <span className="font-medium text-slate-700">{label}</span>
        <input
          name={name}
          type={type}
          defaultValue={defaultValue}
          autoComplete={autoComplete}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? errorId : undefined}
          className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm focus:border-blue-600 focus:outline-none aria-invalid:border-red-600"
        />
      </label>
      {errors?.length ? (
        <span id={errorId} className="mt-1 block text-red-700" role="alert">
          {errors.join(" ")}
        </span>
      ) : null}
    </div>
  );
}
