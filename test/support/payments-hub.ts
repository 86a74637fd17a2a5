import crypto from 'node:crypto';
import http from 'node:http';
import { startSimulatedEpay, type SimulatedEpay } from '../../connectors/payments/simulated-epay';
import { freePort } from '../../embedded/ports';
import { createGatewayApp } from '../../gateway/app';
import { EPAY_NOTIFY_PATH } from '../../gateway/payments/provider-notify';
import { resumePayments } from '../../intake/payments';
import type { DisputeHub } from './dispute-hub';
import { startTestHub } from './hub';

/**
 * The whole hub for payment tests, with the simulated ePay.bg as its card provider: a real worker on Temporal,
 * PostgreSQL and SMTP; the gateway on a port known in advance, so that PUBLIC_URL (the provider's return URL) and the
 * notify URL point at it; and the simulator, whose notifications are signed with the merchant's secret and retried on
 * a short schedule; and the gateway's recovery pass every second (a payment the lifecycle could not be told about at
 * once is recorded by it, as in production). Everything the dispute hub's helpers take (deliverInvoice, loggedIn, …)
 * works on it.
 */
export interface PaymentsHub extends DisputeHub {
  /** The simulated provider: its hosted page, test switches and the notifications it sent. */
  epay: SimulatedEpay;
  merchant: { min: string; secret: string };
}

export async function startPaymentsHub(overrides: Record<string, string> = {}): Promise<PaymentsHub> {
  const [gatewayPort, epayPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${gatewayPort}`;
  const merchant = { min: 'D000000042', secret: crypto.randomBytes(32).toString('hex') };
  const hub = await startTestHub({
    REMINDER_DELAYS: '1h',
    DISPUTE_REMINDER_DELAY: '1h',
    PUBLIC_URL: baseUrl,
    EPAY_MIN: merchant.min,
    EPAY_SECRET: merchant.secret,
    EPAY_PAGE_URL: `http://127.0.0.1:${epayPort}/`,
    ...overrides,
  });
  const server = http.createServer(
    createGatewayApp({ db: hub.db, temporal: hub.temporal, config: hub.config }),
  );
  await new Promise<void>((resolve) => server.listen(gatewayPort, '127.0.0.1', resolve));
  const epay = await startSimulatedEpay({
    port: epayPort,
    merchants: [{ ...merchant, notifyUrl: `${baseUrl}${EPAY_NOTIFY_PATH}` }],
    retryDelaysMs: [300, 600, 1200],
  });
  let recovering = Promise.resolve();
  const recovery = setInterval(() => {
    recovering = recovering.then(() => resumePayments(hub, 1)).catch(() => undefined);
  }, 1000);
  return {
    ...hub,
    baseUrl,
    epay,
    merchant,
    async stop() {
      clearInterval(recovery);
      await recovering;
      await epay.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await hub.stop();
    },
  };
}
