import { connect, type Socket } from "node:net";

/** What came back on a raw connection: the final response's status, headers and body, all bytes read. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly text: string;
}

/** A TCP connection to `url`'s port, speaking HTTP/1.1 by hand (headers a `fetch` will not send, bodies it will not hold). */
export class RawConnection {
  readonly socket: Socket;
  #text = "";
  #closed: Promise<void>;
  #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.#text += chunk;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#closed = new Promise((resolve) => {
      socket.on("close", () => resolve());
      socket.on("error", () => undefined);
    });
  }

  /** Connects to the port of `url`. */
  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  /** Writes bytes; resolves when the socket took them (or failed, once closed). */
  write(text: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(text, () => resolve()));
  }

  /** Resolves once what was read contains `needle`. */
  async waitFor(needle: string): Promise<void> {
    while (!this.#text.includes(needle)) await new Promise<void>((wake) => this.#waiters.push(wake));
  }

  /** Resolves once the server closed the connection, with what it answered. */
  async closed(): Promise<RawAnswer> {
    await this.#closed;
    return parse(this.#text);
  }
}

/** The last response in `text` (after any 100 Continue). */
function parse(text: string): RawAnswer {
  const start = text.lastIndexOf("HTTP/1.1 ");
  const head = text.slice(start, text.indexOf("\r\n\r\n", start));
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(text.indexOf("\r\n\r\n", start) + 4);
  if (headers["transfer-encoding"] === "chunked") body = unchunk(body);
  return { status: Number(statusLine.split(" ")[1]), headers, body, text };
}

function unchunk(body: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const end = body.indexOf("\r\n", at);
    const size = Number.parseInt(body.slice(at, end), 16);
    if (!(size > 0)) return out;
    out += body.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
}

/** A request head (request line, headers, blank line) for `url`'s path. */
export function requestHead(url: string, method: string, headers: Record<string, string | number>): string {
  const { host, pathname } = new URL(url);
  const lines = Object.entries({ host, ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${pathname} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}
