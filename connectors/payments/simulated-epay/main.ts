/**
 * Runs the simulated ePay.bg on its own, for a developer:
 *
 *   npx tsx connectors/payments/simulated-epay/main.ts --port 8099 \
 *     --merchant D000000001:<secret>:http://127.0.0.1:8080/payments/epay/notify
 *
 * --merchant is MIN:secret:notify URL (the secret has no colons; the URL may) and may be given more than once.
 */
import { parseArgs } from 'node:util';
import { startSimulatedEpay } from './server';
import type { SimulatedMerchant } from './delivery';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8099' },
      host: { type: 'string', default: '127.0.0.1' },
      merchant: { type: 'string', multiple: true, default: [] },
    },
  });
  const merchants = values.merchant.map(merchantOf);
  if (merchants.length === 0) throw new Error('give at least one --merchant MIN:secret:notifyUrl');
  const simulator = await startSimulatedEpay({ port: Number(values.port), host: values.host, merchants });
  process.stdout.write(
    `simulated ePay.bg at ${simulator.url} for ${merchants.map((m) => m.min).join(', ')}\n`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void simulator.stop().then(() => process.exit(0)));
  }
}

function merchantOf(argument: string): SimulatedMerchant {
  const first = argument.indexOf(':');
  const second = argument.indexOf(':', first + 1);
  if (first < 1 || second < 0) throw new Error(`--merchant "${argument}" is not MIN:secret:notifyUrl`);
  return {
    min: argument.slice(0, first),
    secret: argument.slice(first + 1, second),
    notifyUrl: argument.slice(second + 1),
  };
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
