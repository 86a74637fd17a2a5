import {
  newNonce,
  readTimeStampResponse,
  timeStampRequest,
  TimestampError,
} from '../domain/archive/timestamps';

/**
 * The one way the hub asks an outside RFC 3161 time-stamping authority (TSA_URL) for a token: the HTTP transport of
 * RFC 3161 §3.4, a TimeStampReq posted as application/timestamp-query, the TimeStampResp read back. The token is
 * returned once it is granted for this digest and nonce; whether its signature holds is checked by the caller.
 */
export async function requestTimestamp(url: string, digest: Buffer, timeoutMs = 30_000): Promise<Buffer> {
  const nonce = newNonce();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(timeStampRequest(digest, nonce)),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new TimestampError(`the TSA at ${url} cannot be reached: ${(error as Error).message}`);
  }
  if (!response.ok) throw new TimestampError(`the TSA at ${url} answered HTTP ${response.status}`);
  return readTimeStampResponse(Buffer.from(await response.arrayBuffer()), { digest, nonce });
}
