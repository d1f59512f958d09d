import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "LogiAccounting Pro", template: "%s · LogiAccounting Pro" },
  description: "Multi-tenant accounting for firms of every size.",
};

// Every page reads the request (host, tenant, session): nothing is prerendered at build
// time, so a build never opens the database.
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
