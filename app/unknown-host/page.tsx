import { notFound } from "next/navigation";

/** proxy.ts rewrites hosts that belong to no tenant (reserved names, unknown domains) here. */
export default function UnknownHost(): never {
  notFound();
}
