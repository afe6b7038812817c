import { describe, expect, it } from 'vitest';
import { minimalResponseWrapper } from '../clients.js';

const answer = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the minimal wrapper with a real timeout (a reference row of section 1)', () => {
  it('hands back a Response over the body it read', async () => {
    const body = { status_code: '2000', content: { status: 'Success' } };
    const response = await minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () =>
      answer(body),
    );
    expect(response).toBeInstanceOf(Response);
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(body);
  });

  it('rejects a PortOne error code in a 200 and an HTTP error', async () => {
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () =>
        answer({ status_code: '5024' }),
      ),
    ).rejects.toThrow('HTTP 200');
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () => answer({}, 502)),
    ).rejects.toThrow('HTTP 502');
  });

  it('abandons a fetch that never answers when its timer fires', async () => {
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 5, () => new Promise<Response>(() => {})),
    ).rejects.toThrow('timed out');
  });

  it('rejects with the transport error, and with a body that is no JSON', async () => {
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () => {
        throw new TypeError('fetch failed');
      }),
    ).rejects.toThrow('fetch failed');
    await expect(
      minimalResponseWrapper('http://127.0.0.1:9/x', 1000, async () => new Response('<html>')),
    ).rejects.toThrow(SyntaxError);
  });
});
