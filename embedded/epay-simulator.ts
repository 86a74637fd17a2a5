import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulatedEpay } from '../connectors/payments/simulated-epay';
import type { HubConfig } from '../platform/config';
import { EPAY_NOTIFY_PATH } from '../gateway/payments/provider-notify';

/** The merchant number the embedded hub uses with its simulated ePay.bg (any letters and digits would do). */
export const SIMULATED_MERCHANT = 'D000000001';

export interface EmbeddedEpay {
  /** The simulated hosted page (what EPAY_PAGE_URL points at). */
  url: string;
  /** The settings the worker and the gateway get: EPAY_MIN, EPAY_SECRET, EPAY_PAGE_URL. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * `npm start` without an ePay.bg merchant (EPAY_SECRET unset): the simulated ePay.bg on 127.0.0.1, the only stand-in
 * for a card provider in this project (no real one is reachable here). Its secret word is generated once into the
 * data folder; its notifications go to the gateway on loopback, as ePay's would go to the notify URL.
 */
export async function startEmbeddedEpay(config: HubConfig): Promise<EmbeddedEpay> {
  const secret = simulatorSecret(config.dataDir);
  const gateway = config.tls ? config.publicUrl : `http://127.0.0.1:${config.port}`;
  const simulator = await startSimulatedEpay({
    port: config.embedded.epaySimulatorPort,
    host: '127.0.0.1',
    merchants: [{ min: SIMULATED_MERCHANT, secret, notifyUrl: `${gateway}${EPAY_NOTIFY_PATH}` }],
  });
  return {
    url: simulator.url,
    env: { EPAY_MIN: SIMULATED_MERCHANT, EPAY_SECRET: secret, EPAY_PAGE_URL: simulator.url },
    stop: () => simulator.stop(),
  };
}

/** 64 characters, like the secret word of an ePay merchant profile; kept in data/epay-simulator/secret. */
function simulatorSecret(dataDir: string): string {
  const file = path.join(dataDir, 'epay-simulator', 'secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = crypto.randomBytes(32).toString('hex');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
