import fs from 'node:fs';
import type { Command } from 'commander';
import type { Db } from '../../db';
import { getIssuer } from '../../db/issuers';
import { addSftpKey, listSftpKeys, removeSftpKey } from '../../db/sftp-keys';
import { parsePublicKey } from '../../connectors/sftp/keys';
import { printJson, withDatabase } from '../database';

/** `bin/hub issuer sftp-key add|list|remove`: the keys an issuer logs in to the hub's SFTP server with. */
export function registerSftpKeyCommands(issuer: Command): void {
  const keys = issuer.command('sftp-key').description("an issuer's SFTP login keys (several, for rotation)");
  keys
    .command('add')
    .description('register a public key (OpenSSH .pub) and print its fingerprint')
    .argument('<issuerId>')
    .requiredOption('--key <file>', 'the public key file, e.g. id_ed25519.pub')
    .action(async (issuerId: string, options: { key: string }) => {
      const key = parsePublicKey(fs.readFileSync(options.key, 'utf8'));
      await withDatabase(async (db) => {
        await requireIssuer(db, issuerId);
        const added = await addSftpKey(db, { issuerId, ...key });
        printJson({ id: added.id, algorithm: added.algorithm, fingerprint: added.fingerprint });
      });
    });
  keys
    .command('list')
    .description("list an issuer's SFTP keys as JSON lines")
    .argument('<issuerId>')
    .action(async (issuerId: string) => {
      await withDatabase(async (db) => {
        await requireIssuer(db, issuerId);
        for (const key of await listSftpKeys(db, issuerId)) {
          printJson({
            id: key.id,
            algorithm: key.algorithm,
            fingerprint: key.fingerprint,
            comment: key.comment ?? null,
            addedAt: key.createdAt,
          });
        }
      });
    });
  keys
    .command('remove')
    .description('remove a key by its id or fingerprint; it can no longer log in')
    .argument('<issuerId>')
    .argument('<key>', 'key id or SHA256:… fingerprint')
    .action(async (issuerId: string, key: string) => {
      await withDatabase(async (db) => {
        await requireIssuer(db, issuerId);
        if (!(await removeSftpKey(db, issuerId, key))) {
          throw new Error(`issuer ${issuerId} has no SFTP key ${key}`);
        }
        printJson({ removed: key });
      });
    });
}

export async function requireIssuer(db: Db, issuerId: string) {
  const issuer = /^[0-9a-f-]{36}$/i.test(issuerId) ? await getIssuer(db, issuerId) : undefined;
  if (!issuer) throw new Error(`no issuer ${issuerId}: "bin/hub issuer add" prints the ids`);
  return issuer;
}
