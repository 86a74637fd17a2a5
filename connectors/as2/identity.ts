import fs from 'node:fs';
import path from 'node:path';
import type { HubConfig } from '../../platform/config';
import { generateAs2Identity, type OwnKeyPair } from './protocol';

/**
 * The hub's own AS2 key and certificate: AS2_KEY_FILE + AS2_CERT_FILE, or a pair generated once into
 * `<data>/as2/`. Partners encrypt to this certificate and check the hub's signed MDNs with it (`bin/hub as2
 * certificate` prints it). For a rollover of the hub's own certificate, the pair before it stays usable for
 * decryption when kept as `<data>/as2/previous-key.pem` + `previous-cert.pem`.
 */
export async function loadHubAs2Identity(config: HubConfig): Promise<OwnKeyPair[]> {
  const dir = path.join(config.dataDir, 'as2');
  const keyFile = config.as2.keyFile ?? path.join(dir, 'hub-key.pem');
  const certFile = config.as2.certFile ?? path.join(dir, 'hub-cert.pem');
  if (!fs.existsSync(keyFile) && !config.as2.keyFile) {
    const generated = await generateAs2Identity(config.as2.id);
    fs.mkdirSync(dir, { recursive: true });
    try {
      // The certificate first, the key last with an exclusive create: a second node starting at the same moment
      // loses the race and reads the winner's pair.
      fs.writeFileSync(`${certFile}.new`, generated.certificatePem);
      fs.writeFileSync(keyFile, generated.privateKeyPem, { mode: 0o600, flag: 'wx' });
      fs.renameSync(`${certFile}.new`, certFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      fs.rmSync(`${certFile}.new`, { force: true });
      await waitFor(certFile);
    }
  }
  const pairs: OwnKeyPair[] = [
    { privateKeyPem: fs.readFileSync(keyFile, 'utf8'), certificatePem: fs.readFileSync(certFile, 'utf8') },
  ];
  const previousKey = path.join(dir, 'previous-key.pem');
  const previousCert = path.join(dir, 'previous-cert.pem');
  if (fs.existsSync(previousKey) && fs.existsSync(previousCert)) {
    pairs.push({
      privateKeyPem: fs.readFileSync(previousKey, 'utf8'),
      certificatePem: fs.readFileSync(previousCert, 'utf8'),
    });
  }
  return pairs;
}

async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 50 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
}
