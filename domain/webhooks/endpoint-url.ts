import dns from 'node:dns/promises';
import net from 'node:net';

/** Why an endpoint URL is refused; `code` is the API's error code. */
export class WebhookUrlError extends Error {
  constructor(
    readonly code: 'WEBHOOK_URL_INVALID' | 'WEBHOOK_URL_PRIVATE',
    message: string,
  ) {
    super(message);
  }
}

const MAX_URL_LENGTH = 2048;

/**
 * An endpoint URL must be http(s) without credentials in it. Unless private addresses are allowed
 * (WEBHOOK_ALLOW_PRIVATE; on under `npm start`), its host must resolve only to public addresses: the hub must not
 * be made to POST into its own network. Checked when an endpoint is saved and again before every attempt, since a
 * name can be pointed elsewhere later.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError('WEBHOOK_URL_INVALID', `"${raw}" is not a URL`);
  }
  if (raw.length > MAX_URL_LENGTH)
    throw new WebhookUrlError('WEBHOOK_URL_INVALID', `the URL is longer than ${MAX_URL_LENGTH} characters`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookUrlError('WEBHOOK_URL_INVALID', `a webhook URL is http or https, not ${url.protocol}`);
  if (url.username || url.password)
    throw new WebhookUrlError('WEBHOOK_URL_INVALID', 'a webhook URL carries no user name or password');
  if (url.hash) throw new WebhookUrlError('WEBHOOK_URL_INVALID', 'a webhook URL has no #fragment');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host)
    ? [host]
    : await dns.lookup(host, { all: true, verbatim: true }).then(
        (found) => found.map((a) => a.address),
        () => {
          throw new WebhookUrlError('WEBHOOK_URL_INVALID', `the host ${host} cannot be resolved`);
        },
      );
  const internal = addresses.find(isPrivateAddress);
  if (internal !== undefined)
    throw new WebhookUrlError(
      'WEBHOOK_URL_PRIVATE',
      `${host} is a loopback, private or link-local address (${internal}); webhooks go to public addresses only`,
    );
  return url;
}

const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

const PRIVATE_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

const blocks = new net.BlockList();
for (const [address, prefix] of PRIVATE_V4) blocks.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of PRIVATE_V6) blocks.addSubnet(address, prefix, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocks.check(mapped[1], 'ipv4');
  return blocks.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}
