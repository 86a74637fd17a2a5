import { Client, Connection } from '@temporalio/client';
import { HUB_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import type { HubConfig } from './config';
import { tracingClientInterceptors } from './tracing';

/** The one way the gateway and CLI reach Temporal. */
export async function connectTemporal(config: HubConfig): Promise<Client> {
  if (!config.temporalAddress)
    throw new Error('TEMPORAL_ADDRESS is not set and no embedded Temporal server is running');
  const connection = await Connection.connect({ address: config.temporalAddress });
  await ensureSearchAttributes(connection, config.temporalNamespace);
  return new Client({
    connection,
    namespace: config.temporalNamespace,
    interceptors: tracingClientInterceptors(),
  });
}

/** Registers the hub's search attributes on a server that lacks them (an external Temporal; the dev server gets them at start). */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = HUB_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, 2 /* INDEXED_VALUE_TYPE_KEYWORD */]),
    ),
  });
}
