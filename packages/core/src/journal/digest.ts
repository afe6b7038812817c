/** SHA-256 of nothing. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

type CreateHash = (algorithm: string) => {
  update(data: Uint8Array): { digest(encoding: 'hex'): string };
};

/** node:crypto's createHash where the runtime has it (Node ≥ 20.16, Deno, Bun), without importing it. */
function nodeHash(): CreateHash | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof host?.getBuiltinModule !== 'function') return undefined;
  const crypto = host.getBuiltinModule('node:crypto') as { createHash?: CreateHash } | undefined;
  return typeof crypto?.createHash === 'function' ? crypto.createHash : undefined;
}

/** SHA-256 of `body` as lower-case hex, through node:crypto or Web Crypto; '' when it cannot be read or hashed. */
export async function bodyDigest(body: unknown): Promise<string> {
  let bytes: Uint8Array;
  if (body === undefined || body === null) bytes = new Uint8Array();
  else if (typeof body === 'string') bytes = new TextEncoder().encode(body);
  else if (body instanceof Uint8Array) bytes = body;
  else if (body instanceof ArrayBuffer) bytes = new Uint8Array(body);
  else if (body instanceof URLSearchParams) bytes = new TextEncoder().encode(body.toString());
  else if (typeof body === 'object') {
    try {
      bytes = new TextEncoder().encode(JSON.stringify(body));
    } catch {
      return '';
    }
  } else return '';
  // No body (the engine's operations do not carry one yet): answered without Web Crypto, whose
  // work runs outside the event loop and so outside fake timers.
  if (bytes.length === 0) return EMPTY_SHA256;
  // On Node, its own hash answers in the call (a microsecond); Web Crypto's digest is a round
  // trip through the thread pool, tens of microseconds of CPU for a few hundred bytes.
  const nodeCrypto = nodeHash();
  if (nodeCrypto !== undefined) return nodeCrypto('sha256').update(bytes).digest('hex');
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return '';
  const hash = new Uint8Array(await subtle.digest('SHA-256', bytes as BufferSource));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
