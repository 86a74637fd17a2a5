import type { Client } from '@temporalio/client';
import { isPortOpen } from '../embedded/ports';
import type { HubConfig } from '../platform/config';
import { connectTemporal } from '../platform/temporal';

/**
 * Temporal, when the hub's can be reached (TEMPORAL_ADDRESS, or the embedded server of a running hub); undefined
 * otherwise: the caller stores its work and the hub takes it up when it starts.
 */
export async function withTemporal<T>(
  config: HubConfig,
  work: (temporal: Client) => Promise<T>,
): Promise<T | undefined> {
  let address = config.temporalAddress;
  if (!address && (await isPortOpen(config.embedded.temporalPort))) {
    address = `127.0.0.1:${config.embedded.temporalPort}`;
  }
  if (!address) return undefined;
  const temporal = await connectTemporal({ ...config, temporalAddress: address });
  try {
    return await work(temporal);
  } finally {
    await temporal.connection.close();
  }
}
