import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center gap-4 p-8 text-center">
      <p className="text-sm font-semibold tracking-widest text-slate-500 uppercase">404</p>
      <h1 className="text-3xl font-bold">This workspace or page does not exist</h1>
      <p className="text-slate-600">
        Check the address. If you expected a company workspace here, it may have been renamed or closed.
      </p>
      <Link href="/" className="text-blue-700 underline">
        Go to the home page
      </Link>
    </main>
  );
}
