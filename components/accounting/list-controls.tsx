import type { ReactNode } from "react";
import Link from "next/link";

/** Host-relative link to `path` with the given query (empty values dropped). */
export function hrefWith(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A column header that sorts by `field` (toggling the direction when already sorted by it). */
export function SortHeader({
  path,
  search,
  field,
  label,
  defaultSort,
  className,
}: {
  path: string;
  search: Record<string, string>;
  field: string;
  label: string;
  defaultSort: string;
  className?: string;
}) {
  const current = search.sort || defaultSort;
  const active = current.replace(/^-/, "") === field;
  const descending = current.startsWith("-");
  const next = active && !descending ? `-${field}` : field;
  const { cursor: _cursor, ...rest } = search;
  return (
    <th className={className ?? "py-2 pr-4"}>
      <Link href={hrefWith(path, { ...rest, sort: next })} className="hover:underline" data-sort={field}>
        {label}
        {active ? (descending ? " ↓" : " ↑") : ""}
      </Link>
    </th>
  );
}

export function NextPageLink({
  path,
  search,
  nextCursor,
}: {
  path: string;
  search: Record<string, string>;
  nextCursor: string | null;
}) {
  const hasCursor = !!search.cursor;
  const { cursor: _cursor, ...rest } = search;
  return (
    <div className="mt-4 flex gap-4 text-sm">
      {hasCursor && (
        <Link href={hrefWith(path, rest)} className="underline">
          First page
        </Link>
      )}
      {nextCursor && (
        <Link href={hrefWith(path, { ...rest, cursor: nextCursor })} className="underline" data-testid="next-page">
          Next page →
        </Link>
      )}
    </div>
  );
}

export function ListError({ message }: { message: string }) {
  return (
    <p role="alert" className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="list-error">
      {message}
    </p>
  );
}

export function PageHeader({
  title,
  action,
  children,
}: {
  title: string;
  action?: { href: string; label: string };
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-4">
      <h1 className="text-2xl font-bold">{title}</h1>
      <div className="flex items-center gap-3">
        {children}
        {action && (
          <Link href={action.href} className="bg-brand rounded-lg px-4 py-2 text-sm font-semibold text-white">
            {action.label}
          </Link>
        )}
      </div>
    </div>
  );
}

export function FilterBar({ path, children }: { path: string; children: ReactNode }) {
  return (
    <form method="get" action={path} className="mt-6 flex flex-wrap items-end gap-3 text-sm" role="search">
      {children}
      <button className="rounded-lg border border-slate-300 bg-white px-3 py-2 font-medium">Filter</button>
      <Link href={path} className="py-2 text-slate-500 underline">
        Reset
      </Link>
    </form>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const colours: Record<string, string> = {
    draft: "bg-slate-100 text-slate-700",
    sent: "bg-blue-100 text-blue-800",
    paid: "bg-green-100 text-green-800",
    void: "bg-red-100 text-red-700",
    active: "bg-green-100 text-green-800",
    completed: "bg-blue-100 text-blue-800",
    archived: "bg-slate-100 text-slate-600",
  };
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${colours[status] ?? "bg-slate-100"}`}
      data-testid="status"
    >
      {status}
    </span>
  );
}

/** A definition list of a record's fields. */
export function Details({ items }: { items: { label: string; value: ReactNode }[] }) {
  return (
    <dl className="mt-6 grid gap-x-8 gap-y-3 rounded-xl bg-white p-6 shadow-sm sm:grid-cols-2">
      {items.map((item) => (
        <div key={item.label}>
          <dt className="text-xs tracking-wide text-slate-500 uppercase">{item.label}</dt>
          <dd className="mt-0.5">{item.value ?? "—"}</dd>
        </div>
      ))}
    </dl>
  );
}
