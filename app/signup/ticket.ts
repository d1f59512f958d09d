import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

/**
 * The signup ticket: proof, held by the browser that submitted the signup form, that it
 * may watch this tenant's provisioning and be handed into it as its owner. An HMAC over
 * (tenant id, owner e-mail, expiry) with the auth secret; nothing is stored.
 */
const TTL_MS = 60 * 60 * 1000;

export interface SignupTicket {
  tenantId: string;
  ownerEmail: string;
}

function sign(payload: string): string {
  return createHmac("sha256", authSecret()).update(`signup-ticket:${payload}`).digest("base64url");
}

export function issueSignupTicket(ticket: SignupTicket, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ t: ticket.tenantId, e: ticket.ownerEmail, x: now + TTL_MS })).toString(
    "base64url",
  );
  return `${payload}.${sign(payload)}`;
}

export function readSignupTicket(value: unknown, now = Date.now()): SignupTicket | null {
  if (typeof value !== "string" || value.length > 1000) return null;
  const [payload, mac] = value.split(".");
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      t?: unknown;
      e?: unknown;
      x?: unknown;
    };
    if (typeof data.t !== "string" || typeof data.e !== "string" || typeof data.x !== "number" || data.x < now)
      return null;
    return { tenantId: data.t, ownerEmail: data.e };
  } catch {
    return null;
  }
}
