import { hmacSha256 } from '../hs256.js';
import { refused, reply, succeeded, timestamp } from '../shapes.js';
import { signatureOf } from '../signature.js';
import { type Handler, textOf } from './context.js';

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const encodeJson = (value: unknown): string =>
  base64url(new TextEncoder().encode(JSON.stringify(value)));

/** A JWT as PortOne issues it: HS256 with the merchant's secret, `iss: PORTONE`, `sub: key`, 6 h. */
export const createAuthToken: Handler = ({ body, auth }) => {
  const key = textOf(body.portone_key);
  const secret = textOf(body.portone_secret);
  if (auth !== undefined && key !== auth.key) {
    return refused(400, 4016, `Merchant not found for this key : ${key}`);
  }
  if (auth?.secret !== undefined && secret !== auth.secret) {
    return refused(401, 4099, 'Invalid secret key');
  }
  const iat = Math.floor(Date.now() / 1000);
  const input = `${encodeJson({ alg: 'HS256', typ: 'JWT' })}.${encodeJson({ exp: iat + 21600, iat, iss: 'PORTONE', sub: key })}`;
  const signature = base64url(
    hmacSha256(new TextEncoder().encode(secret), new TextEncoder().encode(input)),
  );
  return reply(200, {
    content: { expires_in: 21600, token: `${input}.${signature}` },
    message: 'Auth Token generated successfully!',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

/**
 * The payment request signature, computed with the merchant's secret: the simulator's
 * `signatures` secret, else its `auth` secret. Without either it signs with an empty secret:
 * a well-formed signature that nothing verifies (such a simulator checks no signatures).
 */
export const generateSignature: Handler = ({ body, merchant, auth }) => {
  const secret = merchant?.secret ?? auth?.secret ?? '';
  const signature = signatureOf('payment', { ...body, client_key: body.portone_key }, secret);
  return reply(200, {
    content: { signature },
    message: 'Signature generated successfully!',
    status_code: '2000',
    status_reason: 'SUCCESS',
  });
};

export const addWebhook: Handler = ({ ledger, body, params }) => {
  const webhook = {
    name: textOf(body.name),
    uuid: `${ledger.nextRef('WH')}-0000-4000-8000-000000000000`,
    url: textOf(body.url),
    enabled: true,
    created_at: timestamp(),
    type: textOf(body.type),
  };
  ledger.webhooks.push({ ...webhook, key: params.key ?? '' });
  return succeeded('Webhook added successfully!', { content: webhook });
};

export const listWebhooks: Handler = ({ ledger, params }) =>
  succeeded('Webhook fetched successfully!', {
    content: ledger.webhooks
      .filter((w) => w.key === params.key)
      .map(({ key: _key, ...webhook }) => webhook),
  });

/** Credentials masked as PortOne masks them: all but the last three characters. */
const mask = (creds: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(typeof creds === 'object' && creds !== null ? creds : {}).map(([k, v]) => {
      const text = textOf(v);
      return [k, `${'*'.repeat(Math.max(0, text.length - 3))}${text.slice(-3)}`];
    }),
  );

export const addPayChannel: Handler = ({ ledger, body, params }) => {
  const maskedData = mask(body.creds);
  ledger.payChannels.set(`${params.key}/${params.pckey}`, {
    key: params.pckey ?? '',
    country: textOf(body.country),
    creds: maskedData,
  });
  return succeeded('Payment Channel Creds added successfully!', {
    content: { MerchantUUID: params.key ?? '', PaymentChannelKey: params.pckey ?? '', maskedData },
  });
};

export const getPayChannel: Handler = ({ ledger, params }) => {
  const channel = ledger.payChannels.get(`${params.key}/${params.pckey}`);
  return succeeded('Payment Channel Creds fetched successfully!', {
    content:
      channel === undefined
        ? []
        : [
            {
              key: channel.key,
              type: 'Gateway',
              logo: '',
              creds: channel.creds,
              is_enabled: true,
              country: channel.country,
              pay_type: 'PAYIN',
              is_va_flow: false,
            },
          ],
  });
};
