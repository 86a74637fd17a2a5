import type { Document } from '../xml';
import type { SignatureOptions, SignatureReport } from './types';

/** Interim: reports every signature as not yet checkable; the full ETSI EN 319 102-1 validation replaces this. */
export async function verifySignature(
  _input: Uint8Array | Document,
  _options: SignatureOptions = {},
): Promise<SignatureReport> {
  return {
    present: false,
    intact: false,
    level: 'none',
    indication: 'INDETERMINATE',
    checks: [
      {
        name: 'signature-validation',
        passed: false,
        detail: 'signature validation is not available in this build yet',
      },
    ],
  };
}
