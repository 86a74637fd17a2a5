import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { certificateInfo } from '../../connectors/as2/protocol';
import { loadHubAs2Identity } from '../../connectors/as2/identity';
import { setAs2Partner } from '../../db/as2';
import type { Issuer } from '../../db/issuers';
import { createGatewayApp } from '../../gateway/app';
import { addTestIssuer, type TestHub } from './hub';
import { makeAs2Keys, type As2Keys } from './as2-peers';

export interface As2Gateway {
  url: string;
  /** The issuer API of the same gateway. */
  apiUrl: string;
  /** The hub's certificate as a file, for the partners to encrypt to and verify MDNs with. */
  hubCertPath: string;
  hubCertPem: string;
  hubKeyPem: string;
  close(): Promise<void>;
}

/** The gateway with its AS2 receiver, on a free loopback port, with an AS2 identity made for the test. */
export async function startAs2Gateway(hub: TestHub): Promise<As2Gateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'as2-hub-'));
  const config = { ...hub.config, dataDir };
  const identity = await loadHubAs2Identity(config);
  const app = createGatewayApp({ db: hub.db, temporal: hub.temporal, config, as2Identity: identity });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const hubCertPath = path.join(dataDir, 'as2', 'hub-cert.pem');
  return {
    url: `http://127.0.0.1:${port}/as2`,
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    hubCertPath,
    hubCertPem: identity[0].certificatePem,
    hubKeyPem: identity[0].privateKeyPem,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

export interface As2Partner {
  issuer: Issuer;
  apiKey: string;
  keys: As2Keys;
}

/** An issuer registered as an AS2 partner with a fresh key and certificate. */
export async function addAs2Partner(
  hub: TestHub,
  as2Id: string,
  options: { requireSignature?: boolean; requireEncryption?: boolean; extraCertificates?: string[] } = {},
): Promise<As2Partner> {
  const { issuer, apiKey } = await addTestIssuer(hub.db);
  const keys = makeAs2Keys(as2Id);
  const certificates = [keys.certPem, ...(options.extraCertificates ?? [])].map((pem) => {
    const info = certificateInfo(pem);
    return {
      usage: 'signing' as const,
      fingerprint: info.sha256Fingerprint,
      pem,
      notBefore: info.notBefore,
      notAfter: info.notAfter,
    };
  });
  await setAs2Partner(
    hub.db,
    {
      issuerId: issuer.id,
      as2Id,
      requireSignature: options.requireSignature ?? true,
      requireEncryption: options.requireEncryption ?? false,
    },
    certificates,
  );
  return { issuer, apiKey, keys };
}
