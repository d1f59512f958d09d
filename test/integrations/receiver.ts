import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

/** A real HTTP endpoint that records what it receives and answers the statuses it is given, in turn. */
export interface Receiver {
  url: string;
  received: { headers: IncomingHttpHeaders; body: string; path: string }[];
  /** Statuses for the next calls (then 200). */
  answer(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Receiver["received"] = [];
  const queue: number[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body, path: request.url ?? "" });
      response.writeHead(queue.shift() ?? 200, { "content-type": "text/plain" });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (...statuses) => queue.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
