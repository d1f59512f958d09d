import { createSocket, type Socket } from "node:dgram";

/**
 * A DNS server on 127.0.0.1 that answers A and AAAA queries from a table (RFC 1035 wire
 * format, one question per query): the stand-in for the public DNS a webhook host is
 * resolved through. Unknown names get NXDOMAIN.
 */
export interface DnsServer {
  address: string;
  close(): Promise<void>;
}

export async function startDnsServer(records: Record<string, { a?: string[]; aaaa?: string[] }>): Promise<DnsServer> {
  const socket: Socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    // Header (12 bytes), then the question: labels, a zero byte, type and class.
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString("ascii"));
      offset += query[offset] + 1;
    }
    const questionEnd = offset + 5;
    const type = query.readUInt16BE(offset + 1);
    const entry = records[labels.join(".").toLowerCase()];
    const addresses = type === 1 ? (entry?.a ?? []) : type === 28 ? (entry?.aaaa ?? []) : [];
    const answers = addresses.map((address) => {
      const data =
        type === 1
          ? Buffer.from(address.split(".").map(Number))
          : Buffer.from(
              address
                .split(":")
                .flatMap((part, i, parts) =>
                  part === "" && i > 0 && i < parts.length - 1
                    ? Array(8 - parts.filter(Boolean).length).fill("0")
                    : [part || "0"],
                )
                .flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]),
            );
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      record.writeUInt16BE(type, 2);
      record.writeUInt16BE(1, 4); // class IN
      record.writeUInt32BE(60, 6); // TTL
      record.writeUInt16BE(data.length, 10);
      return Buffer.concat([record, data]);
    });
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(0x8180 | (entry ? 0 : 3), 2); // a response, recursion available; NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
