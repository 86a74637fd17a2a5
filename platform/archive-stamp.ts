import { issueTimeStampToken } from '../domain/archive/timestamps';
import { verifyTimeStampToken } from '../domain/signature/timestamp';
import type { ArchiveKeys } from './archive-keys';
import { requestTimestamp } from './timestamp-authority';

export interface ArchiveStamp {
  token: Buffer;
  /** The local unit's name, or "TSA at <url>: <subject>". */
  authority: string;
  time: Date;
}

/**
 * An RFC 3161 token over a SHA-256 digest, for what the archive key signs (seals, evidence packages): from the TSA at
 * `tsaUrl` when set, otherwise from the hub's own timestamp unit. The token is checked before it is used; a TSA that
 * fails is an error, never a silent fall-back to the local unit.
 */
export async function stampDigest(
  digest: Buffer,
  keys: ArchiveKeys,
  tsaUrl: string | undefined,
  what: string,
): Promise<ArchiveStamp> {
  const { timestampUnit } = keys;
  const token = tsaUrl
    ? await requestTimestamp(tsaUrl, digest)
    : issueTimeStampToken(
        { privateKey: timestampUnit.privateKey, certificateDer: timestampUnit.certificateDer },
        { digest },
      );
  const stamped = verifyTimeStampToken(token, {
    what,
    digest: (hash) => (hash === 'sha256' ? digest : Buffer.alloc(0)),
  });
  if (!stamped.valid) throw new Error(`the timestamp for ${what} does not verify: ${stamped.detail}`);
  return {
    token,
    authority: tsaUrl ? `TSA at ${tsaUrl}: ${stamped.tsa.subject}` : timestampUnit.name,
    time: stamped.genTime,
  };
}
