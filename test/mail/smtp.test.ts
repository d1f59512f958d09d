import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMail } from "@/lib/mail/mailer";

/** With SMTP_URL set, mail goes out over SMTP: a real SMTP server receives it here. */

interface Received {
  from: string;
  to: string[];
  body: string;
}

const received: Received[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let body = "";
      stream.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          body,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("mail through SMTP", () => {
  it("delivers the message with its sender, recipient, subject and link", async () => {
    const sent = await sendMail(
      {
        to: "bob@globex.test",
        subject: "Your sign-in link for Globex Bookkeeping",
        text: "Open http://globex.localhost:3000/auth/magic?token=abc within 15 minutes.",
      },
      { ...process.env, SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "Globex <no-reply@globex.test>" },
    );
    expect(sent.transport).toBe("smtp");
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail.from).toBe("no-reply@globex.test");
    expect(mail.to).toEqual(["bob@globex.test"]);
    expect(mail.body).toContain("Subject: Your sign-in link for Globex Bookkeeping");
    expect(mail.body).toContain("auth/magic?token=abc");
  });

  it("a server that refuses the recipient makes sending fail loudly", async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onRcptTo(_address, _session, callback) {
        callback(new Error("550 no such mailbox"));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", () => resolve()));
    const refusingPort = (refusing.server.address() as AddressInfo).port;
    await expect(
      sendMail(
        { to: "nobody@globex.test", subject: "x", text: "x" },
        { ...process.env, SMTP_URL: `smtp://127.0.0.1:${refusingPort}` },
      ),
    ).rejects.toThrow();
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  });
});
