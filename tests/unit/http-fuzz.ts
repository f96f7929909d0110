import fc from 'fast-check';
import { connect } from 'node:net';

/**
 * Raw HTTP for the web-shell fuzz (the suite runs a few hundred cases, tests/bench/fuzz.ts thousands):
 * requests written byte for byte to a socket, so nothing on the client side tidies them first.
 */
export interface RawAnswer {
  /** The status of the first response line, or null when the server closed without answering. */
  status: number | null;
  body: string;
  ms: number;
}

/** Sends raw bytes and reads until the server closes the connection (or `timeoutMs`: a hang). */
export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 5000): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 200))}`));
    }, timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {}); // a reset after the answer is fine; no answer is caught below
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, body: text.slice(text.indexOf('\r\n\r\n') + 4), ms: Date.now() - started });
    });
    socket.end(bytes);
  });
}

const methods = fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'), fc.string({ minLength: 1, maxLength: 12 }));
const pathChar = fc.oneof(
  fc.constantFrom('/', '%', '%%', '%2', '%zz', '%00', '%2e%2e', '..', '?', '#', '&', '=', 'api', 'events', 'upload', 'download', 'meta.info', 'enterprises.rows', 'index.html', '\\', '~', ' '),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const path = fc.oneof(
  fc.array(pathChar, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
  fc.constantFrom('/', '/%', '/api/%', '/api/%E0%A4%A', '/api/download/%', '/%c0%af', '/api/events?token=x', '*', 'http://evil/', '//', ''),
);
const headerName = fc.oneof(fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Origin', 'Sec-Fetch-Site', 'X-ParkPilot-Token', 'X-ParkPilot-Locale', 'Content-Type', 'Cookie', 'Expect', 'Connection'), fc.string({ maxLength: 20 }));
const headerValue = fc.oneof(fc.constantFrom('chunked', '-1', '99999999999', '0', 'null', 'http://evil.example', 'cross-site', 'same-origin', 'en', '100-continue', 'close'), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const body = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }).map((input) => JSON.stringify({ input })),
);

/**
 * A request line, headers and a body as a browser, a script or an attacker might send them: valid
 * most of the time in some parts, broken in others. `host` and `token` let some through to the API.
 */
export function requestArbitrary(host: string, token: string): fc.Arbitrary<string> {
  return fc
    .record({
      method: methods,
      path,
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 x', ''),
      host: fc.constantFrom(host, host, 'evil.example', ''),
      token: fc.constantFrom(token, token, '', 'x'),
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
      body,
      lineEnd: fc.constantFrom('\r\n', '\r\n', '\n'),
    })
    .map(({ method, path, version, host, token, headers, body, lineEnd }) => {
      const lines = [`${method} ${path} ${version}`.trim()];
      if (host) lines.push(`Host: ${host}`);
      if (token) lines.push(`X-ParkPilot-Token: ${token}`);
      for (const [name, value] of headers) lines.push(`${name}: ${value}`);
      if (!headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
      lines.push('Connection: close');
      return `${lines.join(lineEnd)}${lineEnd}${lineEnd}${body}`;
    });
}
