/**
 * The trust data a signature's report rests on: the certificates of each certification path, the trust-store file each
 * path ends in (a trusted list, or a CA file the operator placed), and the CRL or OCSP response that gave the
 * revocation status; for a trusted list, also what vouches for its signer (the LOTL, or the operator's signer
 * certificate file). The report lists them by SHA-256 (`SignatureReport.trustData`); the bytes go to whoever asked
 * for them (the hub keeps them content-addressed, and the evidence package carries them), so an old verdict can be
 * re-examined with what it was based on.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { CertificationPath } from './chain';
import type { TrustDatum, TrustMaterial } from './types';

const sources = new Map<string, { modified: number; bytes: Buffer }>();

/** A trust-store file's bytes, read once per modification (trust stores change rarely and are read per invoice). */
function sourceBytes(file: string): Buffer | undefined {
  try {
    const modified = statSync(file).mtimeMs;
    const cached = sources.get(file);
    if (cached?.modified === modified) return cached.bytes;
    const bytes = readFileSync(file);
    sources.set(file, { modified, bytes });
    return bytes;
  } catch {
    return undefined;
  }
}

export class TrustDataCollector {
  private readonly items = new Map<string, TrustMaterial>();

  constructor(private readonly deliver: (item: TrustMaterial) => void) {}

  add(kind: TrustDatum['kind'], name: string, bytes: Buffer, purpose: string): void {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (this.items.has(sha256)) return;
    const item = { kind, name, sha256, size: bytes.length, purpose, bytes };
    this.items.set(sha256, item);
    this.deliver(item);
  }

  /** Every certificate of a path, and the trust-store file its anchor came from. */
  path(path: CertificationPath, purpose: string): void {
    for (const certificate of path.certificates)
      this.add('certificate', certificate.subject, certificate.der, `${purpose}: certification path`);
    const anchor = path.anchor;
    if (!anchor) return;
    const bytes = sourceBytes(anchor.source);
    if (bytes)
      this.add(
        anchor.service ? 'trusted-list' : 'trust-anchor',
        basename(anchor.source),
        bytes,
        `${purpose}: trust anchor ${anchor.certificate.subject}`,
      );
    // A trusted list is used because its parent vouches for its signer: keep the LOTL (or signer file) as well.
    for (const parent of anchor.restsOn ?? []) {
      const parentBytes = sourceBytes(parent.file);
      const purposeOfParent = `${purpose}: vouches for the signer of ${basename(anchor.source)}`;
      if (parentBytes) this.add(parent.kind, basename(parent.file), parentBytes, purposeOfParent);
    }
  }

  list(): TrustDatum[] {
    return [...this.items.values()].map(({ bytes: _bytes, ...datum }) => datum);
  }
}
