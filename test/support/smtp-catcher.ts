import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server (npm smtp-server) on a free loopback port that keeps every message it
 * receives, decoded for assertions: the team suites and e2e/team.spec.ts point the app's
 * SMTP_URL at it. No application imports, so Playwright can load it as well as Vitest.
 */

export interface CaughtMail {
  from: string;
  to: string[];
  /** The raw message (headers and MIME parts). */
  raw: string;
  /** The headers and every part decoded (quoted-printable / base64) to plain text. */
  decoded: string;
  /** The decoded HTML part, if any. */
  html: string | null;
}

export interface MailCatcher {
  url: string;
  mails: CaughtMail[];
  /** Mails to `address` whose subject mentions an invitation, oldest first. */
  invitationsTo(address: string): CaughtMail[];
  /** The token in the newest invitation link mailed to `address`. */
  tokenFor(address: string): string;
  close(): Promise<void>;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/=\r?\n/g, ""), "binary");
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x3d && i + 2 < bytes.length) {
      const hex = bytes.subarray(i + 1, i + 3).toString("ascii");
      if (/^[0-9A-F]{2}$/i.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    out.push(bytes[i]);
  }
  return Buffer.from(out).toString("utf8");
}

interface MimePart {
  head: string;
  body: string;
}

/** The message's sections (headers, then each MIME part), each body decoded by its Content-Transfer-Encoding. */
function mimeParts(raw: string): MimePart[] {
  return raw.split(/\r?\n--[^\r\n]+\r?\n/).map((section) => {
    const split = section.search(/\r?\n\r?\n/);
    if (split === -1) return { head: section, body: "" };
    const head = section.slice(0, split);
    const body = section.slice(split).trim();
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
    if (encoding === "quoted-printable") return { head, body: decodeQuotedPrintable(body) };
    if (encoding === "base64") return { head, body: Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") };
    return { head, body };
  });
}

/** Decodes every MIME part of a raw message by its Content-Transfer-Encoding. */
export function decodeMime(raw: string): string {
  return mimeParts(raw)
    .map((part) => (part.body ? `${part.head}\n\n${part.body}` : part.head))
    .join("\n");
}

/** The decoded text/html part of a raw message, or null. */
export function htmlPart(raw: string): string | null {
  return mimeParts(raw).find((part) => /content-type:\s*text\/html/i.test(part.head))?.body ?? null;
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const mails: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeMime(raw),
          html: htmlPart(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const invitationsTo = (address: string) =>
    mails.filter((m) => m.to.includes(address) && /^Subject: .*invited you/m.test(m.decoded));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    invitationsTo,
    tokenFor(address) {
      const mail = invitationsTo(address).at(-1);
      const token = mail && /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.decoded)?.[1];
      if (!token) throw new Error(`no invitation link mailed to ${address}`);
      return token;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
