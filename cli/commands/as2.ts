import fs from 'node:fs';
import type { Command } from 'commander';
import { loadHubAs2Identity } from '../../connectors/as2/identity';
import { certificateInfo } from '../../connectors/as2/protocol';
import { getAs2Partner, removeAs2Certificate, setAs2Partner, type As2PartnerCertificate } from '../../db/as2';
import { loadConfig } from '../../platform/config';
import { printJson, withDatabase } from '../database';
import { requireIssuer } from './sftp-keys';

/** `bin/hub issuer as2 …`: an issuer as an AS2 trading partner. */
export function registerAs2PartnerCommands(issuer: Command): void {
  const as2 = issuer.command('as2').description('an issuer as an AS2 trading partner');
  as2
    .command('set')
    .description(
      'set the AS2 id and add certificates (earlier ones stay valid until they expire, for a rollover)',
    )
    .argument('<issuerId>')
    .requiredOption('--as2-id <id>', "the partner's AS2 name (its AS2-From)")
    .option('--cert <file>', 'the certificate (PEM) the partner signs with')
    .option(
      '--encryption-cert <file>',
      'the certificate the hub encrypts to the partner with, if another one',
    )
    .option('--allow-unsigned', 'accept unsigned messages (they cannot prove who sent them)')
    .option('--require-encryption', 'refuse messages that are not encrypted')
    .action(
      async (
        issuerId: string,
        options: {
          as2Id: string;
          cert?: string;
          encryptionCert?: string;
          allowUnsigned?: boolean;
          requireEncryption?: boolean;
        },
      ) => {
        const certificates = [
          ...(options.cert ? [partnerCertificate(options.cert, 'signing')] : []),
          ...(options.encryptionCert ? [partnerCertificate(options.encryptionCert, 'encryption')] : []),
        ];
        await withDatabase(async (db) => {
          await requireIssuer(db, issuerId);
          const existing = await getAs2Partner(db, issuerId);
          if (!options.cert && !existing?.certificates.some((c) => c.usage === 'signing')) {
            throw new Error('give the certificate the partner signs with: --cert FILE.pem');
          }
          await setAs2Partner(
            db,
            {
              issuerId,
              as2Id: options.as2Id.trim(),
              requireSignature: !options.allowUnsigned,
              requireEncryption: Boolean(options.requireEncryption),
            },
            certificates,
          );
          printJson(describe(await getAs2Partner(db, issuerId)));
        });
      },
    );
  as2
    .command('show')
    .description("the issuer's AS2 settings and certificates as JSON")
    .argument('<issuerId>')
    .action(async (issuerId: string) => {
      await withDatabase(async (db) => {
        await requireIssuer(db, issuerId);
        const partner = await getAs2Partner(db, issuerId);
        if (!partner) throw new Error(`issuer ${issuerId} is not an AS2 partner: "bin/hub issuer as2 set"`);
        printJson(describe(partner));
      });
    });
  as2
    .command('remove-cert')
    .description('stop trusting one of the partner’s certificates (by its SHA-256 fingerprint)')
    .argument('<issuerId>')
    .argument('<fingerprint>')
    .action(async (issuerId: string, fingerprint: string) => {
      await withDatabase(async (db) => {
        if (!(await removeAs2Certificate(db, issuerId, fingerprint.toUpperCase()))) {
          throw new Error(`issuer ${issuerId} has no AS2 certificate ${fingerprint}`);
        }
        printJson({ removed: fingerprint });
      });
    });
}

/** `bin/hub as2 certificate`: the hub's own AS2 certificate, for partners to configure. */
export function registerAs2Commands(program: Command): void {
  const as2 = program.command('as2').description("the hub's own AS2 identity");
  as2
    .command('certificate')
    .description("print the hub's AS2 certificate (PEM); its AS2 id and fingerprint go to stderr")
    .action(async () => {
      const config = loadConfig();
      const [current] = await loadHubAs2Identity(config);
      const info = certificateInfo(current.certificatePem);
      process.stderr.write(
        `AS2 id ${config.as2.id}; SHA-256 ${info.sha256Fingerprint}; valid until ${info.notAfter.toISOString()}\n`,
      );
      process.stdout.write(current.certificatePem.trimEnd() + '\n');
    });
}

function partnerCertificate(file: string, usage: As2PartnerCertificate['usage']): As2PartnerCertificate {
  const pem = fs.readFileSync(file, 'utf8');
  let info;
  try {
    info = certificateInfo(pem);
  } catch (error) {
    throw new Error(`${file} is not a PEM certificate: ${(error as Error).message}`);
  }
  if (info.notAfter.getTime() < Date.now()) {
    throw new Error(`${file} expired on ${info.notAfter.toISOString()}`);
  }
  return {
    usage,
    fingerprint: info.sha256Fingerprint,
    pem,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
  };
}

function describe(partner: Awaited<ReturnType<typeof getAs2Partner>>) {
  if (!partner) return null;
  return {
    issuerId: partner.issuerId,
    as2Id: partner.as2Id,
    requireSignature: partner.requireSignature,
    requireEncryption: partner.requireEncryption,
    certificates: partner.certificates.map((c) => ({
      usage: c.usage,
      fingerprint: c.fingerprint,
      notAfter: c.notAfter.toISOString(),
    })),
  };
}
