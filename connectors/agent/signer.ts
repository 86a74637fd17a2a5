/**
 * The issuer's signing key, where it lives: a PKCS#12 file, or a smart card / HSM through its PKCS#11 module (the
 * key never leaves the token; only the digest to sign goes in). The password or PIN is read from a file or asked
 * for on the terminal, and appears in no log line and no error.
 *
 * The certificate is checked before every signature: an expired or not yet valid certificate signs nothing, and
 * 30, 14 and 7 days before it expires the agent warns.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { signInvoice } from '../../domain/signature';
import { loadSignerCredentials, type SignerInput } from '../../domain/signature/signer-credentials';
import type { SigningKeyOptions } from './options';
import { openPkcs11Key } from './pkcs11';

export interface AgentSigner {
  /** Who signs: the certificate's subject, serial and validity, for the log. */
  description: string;
  certificate: crypto.X509Certificate;
  sign(xml: Buffer): Promise<string>;
  close(): void;
}

/** Refused to sign: the certificate is not valid now. Nothing is signed until it is replaced. */
export class CertificateValidityError extends Error {
  override readonly name = 'CertificateValidityError';
}

export const EXPIRY_WARNING_DAYS = [30, 14, 7] as const;

export async function openAgentSigner(options: SigningKeyOptions): Promise<AgentSigner> {
  if (options.kind === 'p12') {
    const password = await secretFrom(options.passwordFile, 'PKCS#12 password', 'password-file');
    const credentials = loadSignerCredentials({ p12: fs.readFileSync(options.file), password });
    // Read once: the PKCS#12's key derivation is slow on purpose, and runs for every file otherwise.
    const input: SignerInput = {
      certificatePem: [credentials.certificate, ...credentials.chain].map(pem).join(''),
      privateKeyPem: credentials.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    const certificate = new crypto.X509Certificate(credentials.certificate);
    return {
      description: `${describeCertificate(certificate)}, key in ${options.file}`,
      certificate,
      sign: async (xml) => {
        assertValidNow(certificate);
        return signInvoice(xml, input);
      },
      close: () => undefined,
    };
  }
  const pin = await secretFrom(options.pinFile, 'PIN of the token', 'pin-file');
  const key = await openPkcs11Key({
    module: options.module,
    slot: options.slot,
    tokenLabel: options.tokenLabel,
    keyLabel: options.keyLabel,
    pin,
  });
  const certificate = new crypto.X509Certificate(key.certificate);
  // One token session: signatures go through it one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    description: `${describeCertificate(certificate)}, key on ${key.description}`,
    certificate,
    sign: (xml) => {
      const next = queue.then(() => {
        assertValidNow(certificate);
        return signInvoice(xml, { external: key });
      });
      queue = next.catch(() => undefined);
      return next;
    },
    close: () => key.close(),
  };
}

export function assertValidNow(certificate: crypto.X509Certificate, now = new Date()): void {
  const from = new Date(certificate.validFrom);
  const to = new Date(certificate.validTo);
  if (now < from) {
    throw new CertificateValidityError(
      `the signing certificate (${describeCertificate(certificate)}) is not valid before ${from.toISOString()}; nothing is signed with it`,
    );
  }
  if (now > to) {
    throw new CertificateValidityError(
      `the signing certificate (${describeCertificate(certificate)}) expired on ${to.toISOString()}; nothing is signed with it — renew it with the provider`,
    );
  }
}

/** The warning due now, if the certificate expires within 30, 14 or 7 days (the smallest threshold passed). */
export function expiryWarning(certificate: crypto.X509Certificate, now = new Date()): string | undefined {
  const to = new Date(certificate.validTo);
  const daysLeft = (to.getTime() - now.getTime()) / 86_400_000;
  if (daysLeft < 0) return undefined;
  const threshold = [...EXPIRY_WARNING_DAYS].reverse().find((days) => daysLeft <= days);
  if (threshold === undefined) return undefined;
  return (
    `the signing certificate expires on ${to.toISOString().slice(0, 10)}, in ${Math.floor(daysLeft)} day(s) ` +
    `(less than ${threshold}): renew it before then, or the agent stops signing`
  );
}

export function describeCertificate(certificate: crypto.X509Certificate): string {
  const subject = certificate.subject.replace(/\n/g, ', ');
  return `"${subject}" serial ${certificate.serialNumber} valid to ${new Date(certificate.validTo).toISOString().slice(0, 10)}`;
}

function pem(der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** A secret from its file (first line), or asked for on the terminal without echo. */
async function secretFrom(file: string | undefined, what: string, option: string): Promise<string> {
  if (file) {
    try {
      return fs.readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (error) {
      throw new Error(`the ${what} file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  if (!process.stdin.isTTY) {
    throw new Error(`give the ${what} in a file with --${option} F (no terminal to ask on)`);
  }
  return promptHidden(`${what}: `);
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput;
    output.write(question);
    // Echo nothing of what is typed.
    (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) => {
      if (text.includes('\n')) write.call(rl, '\n');
    };
    rl.question('', (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}
