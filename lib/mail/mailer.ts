import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { databaseConfig } from "@/lib/db/config";

/**
 * Outgoing mail. With SMTP_URL set (smtp://user:pass@host:port) mail goes through SMTP;
 * without it (the embedded default) each message is written to <DATA_DIR>/outbox/ as a
 * JSON file a developer can open, and its path is logged.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  from?: string;
  replyTo?: string;
}

export interface SentMail {
  transport: "smtp" | "outbox";
  id: string;
}

const DEFAULT_FROM = "LogiAccounting Pro <no-reply@logiaccounting.test>";

/** One pooled transport per SMTP_URL (settings can differ between callers, e.g. tests). */
const transporters = new Map<string, Transporter>();

export async function sendMail(message: MailMessage, env: NodeJS.ProcessEnv = process.env): Promise<SentMail> {
  const from = message.from ?? env.MAIL_FROM ?? DEFAULT_FROM;
  if (env.SMTP_URL) {
    let transporter = transporters.get(env.SMTP_URL);
    if (!transporter) {
      transporter = nodemailer.createTransport(env.SMTP_URL);
      transporters.set(env.SMTP_URL, transporter);
    }
    const info = await transporter.sendMail({ ...message, from });
    return { transport: "smtp", id: String(info.messageId) };
  }
  const dir = outboxDir(env);
  mkdirSync(dir, { recursive: true });
  const id = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
  const file = join(/*turbopackIgnore: true*/ dir, `${id}.json`);
  writeFileSync(file, JSON.stringify({ ...message, from, date: new Date().toISOString() }, null, 2));
  console.log(`[mail] no SMTP_URL: "${message.subject}" to ${message.to} written to ${file}`);
  return { transport: "outbox", id };
}

export function outboxDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(/*turbopackIgnore: true*/ databaseConfig(env).dataDir, "outbox");
}
