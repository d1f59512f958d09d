import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeadlineExceededError, withDeadline } from "@/lib/redis/deadline";

/**
 * The deadline of every Redis call (rate limits, tenant cache, usage counters) counts the
 * server's time, not ours: an answer that arrived while this process was too busy to read it
 * is an answer. Shown with a real socket to a real echo server, since the flaw it guards
 * against (timers run before pending I/O is read) only exists with real I/O.
 */

let server: Server;
let socket: Socket;

beforeAll(async () => {
  server = createServer((peer) => peer.on("data", (data) => peer.write(data)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
});

afterAll(async () => {
  socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends a byte and resolves with "answer" when the echo comes back. */
const ask = () =>
  new Promise<string>((resolve) => {
    socket.once("data", () => resolve("answer"));
    socket.write("?");
  });

/** Keeps the event loop busy, as a route's code loading or a long GC does. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const plainTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), ms))]);

describe("withDeadline", () => {
  it("an answer that arrives while the process is busy past the deadline still wins", async () => {
    const answer = withDeadline(ask(), 100);
    stall(300);
    await expect(answer).resolves.toBe("answer");
  });

  it("where a plain setTimeout race calls the same answer a timeout (the flaw it replaces)", async () => {
    const answer = plainTimeout(ask(), 100);
    stall(300);
    await expect(answer).resolves.toBe("timeout");
  });

  it("a call that never answers fails after the deadline, naming it", async () => {
    const started = performance.now();
    const silence = new Promise<never>(() => undefined);
    await expect(withDeadline(silence, 80)).rejects.toThrow(new DeadlineExceededError(80));
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(75);
    expect(waited).toBeLessThan(400);
  });

  it("after a stall a silent call gets a short grace, not another full deadline", async () => {
    const silence = new Promise<never>(() => undefined);
    const failed = withDeadline(silence, 1_000).catch((error: unknown) => error);
    stall(1_200);
    const resumed = performance.now();
    expect(await failed).toBeInstanceOf(DeadlineExceededError);
    expect(performance.now() - resumed).toBeLessThan(600);
  });

  it("a failure of the call itself is passed on at once", async () => {
    await expect(withDeadline(Promise.reject(new Error("NOSCRIPT")), 1_000)).rejects.toThrow("NOSCRIPT");
  });
});
