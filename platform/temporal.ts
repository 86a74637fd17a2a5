import { Client, Connection } from '@temporalio/client';
import type { HubConfig } from './config';

/** The one way the gateway and CLI reach Temporal. */
export async function connectTemporal(config: HubConfig): Promise<Client> {
  if (!config.temporalAddress)
    throw new Error('TEMPORAL_ADDRESS is not set and no embedded Temporal server is running');
  const connection = await Connection.connect({ address: config.temporalAddress });
  return new Client({ connection, namespace: config.temporalNamespace });
}
