/**
 * Downloads the EU LOTL and the national lists it points to, over HTTPS only (Node's fetch). Nothing downloaded is
 * trusted for having been downloaded: ./update.ts checks every list's signature before it is used.
 */
import { readTrustedList } from './trusted-list';
import type { TrustSource } from './update';

export const EU_LOTL_URL = 'https://ec.europa.eu/tools/lotl/eu-lotl.xml';
const MAX_LIST_BYTES = 64 * 1024 * 1024;

export interface DownloadedLists {
  lotl: TrustSource;
  lists: TrustSource[];
  /** Pointers that could not be fetched, with the reason. */
  failures: string[];
}

export async function downloadTrustedLists(lotlUrl = EU_LOTL_URL): Promise<DownloadedLists> {
  const lotl = await download(lotlUrl);
  const failures: string[] = [];
  const lists: TrustSource[] = [];
  const pointers = readTrustedList(lotl.bytes).pointers.filter((pointer) => pointer.location !== lotlUrl);
  for (const pointer of pointers) {
    try {
      lists.push(await download(pointer.location));
    } catch (error) {
      failures.push(
        `${pointer.territory ?? '?'} ${pointer.location}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { lotl, lists, failures };
}

async function download(url: string): Promise<TrustSource> {
  if (new URL(url).protocol !== 'https:') throw new Error(`${url} is not an https:// address`);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    // Node's fetch says only "fetch failed"; the cause (refused, certificate not trusted) is what helps.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new Error(`${url} cannot be fetched: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  if (new URL(response.url || url).protocol !== 'https:')
    throw new Error(`${url} redirected away from HTTPS`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_LIST_BYTES) throw new Error(`${url} is larger than ${MAX_LIST_BYTES} bytes`);
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'list.xml');
  return { name: name.endsWith('.xml') ? name : `${name}.xml`, bytes, source: url };
}
