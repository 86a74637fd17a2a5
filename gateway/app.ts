import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Client } from '@temporalio/client';
import type { OwnKeyPair } from '../connectors/as2/protocol';
import { createAs2Receiver } from '../connectors/as2/receiver';
import type { Db } from '../db';
import type { HubConfig } from '../platform/config';
import { createDevMailRouter } from './dev-mail';
import { errorHandler, HttpError } from './errors';
import { createIssuerApi } from './issuer-api';
import { traceRequests } from '../platform/tracing';
import { createMetricsRouter } from './metrics';
import { ISSUER_DISPUTE_JSON_PATHS } from './issuer-disputes';
import { refuseNulCharacters } from './nul-characters';
import { openApiDocument } from './openapi';
import { createProviderNotifyRoutes } from './payments/provider-notify';
import { createPortalRouter, PORTAL_API_BASE } from './portal';
import { WEBHOOK_API_PATH } from './webhooks';

export interface GatewayDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
  /** The built-in SMTP server's store; only then is the dev mailbox served. */
  devMailDir?: string;
  /** The hub's AS2 key pairs; the AS2 receiver (POST /as2) is served when they are given. */
  as2Identity?: OwnKeyPair[];
}

export const PORTAL_DIST = path.resolve(__dirname, '..', 'dist', 'portal', 'browser');

/** The gateway: issuer API, portal API, the AS2 receiver, the built portal, and (in embedded mode) the dev mailbox. */
export function createGatewayApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(traceRequests());
  app.use(securityHeaders(deps.config));
  const apiDocument = openApiDocument(deps.config.maxInvoiceBytes);

  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(apiDocument);
  });
  app.get('/api/v1/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(createMetricsRouter(deps));
  // JSON bodies must be parsed before validation; the issuer API reads its XML bodies raw after it.
  app.use(PORTAL_API_BASE, express.json({ limit: '16kb' }));
  app.use(ISSUER_DISPUTE_JSON_PATHS, express.json({ limit: '16kb' }));
  app.use(WEBHOOK_API_PATH, express.json({ limit: '16kb' }));
  app.use('/api/v1', refuseNulCharacters);
  app.use(
    '/api/v1',
    OpenApiValidator.middleware({
      apiSpec: structuredClone(apiDocument) as unknown as string,
      validateRequests: true,
      validateResponses: false,
      validateSecurity: false,
      ignorePaths: /^\/api\/v1\/(openapi\.json|health)$/,
    }),
  );
  app.use(PORTAL_API_BASE, createPortalRouter(deps));
  app.use('/api/v1', createIssuerApi(deps));

  if (deps.as2Identity) app.use(createAs2Receiver({ ...deps, identity: deps.as2Identity }));
  // The card provider's signed notifications, read raw (outside /api/v1: the API document does not describe them).
  app.use(createProviderNotifyRoutes(deps));
  if (deps.devMailDir) app.use('/dev', createDevMailRouter(deps.devMailDir));

  app.use('/api', (req, _res, next) =>
    next(new HttpError(404, 'NOT_FOUND', `no API at ${req.method} ${req.originalUrl}`)),
  );
  servePortal(app);
  app.use(errorHandler);
  return app;
}

/**
 * A strict Content-Security-Policy (scripts only from the hub; Angular's component styles need inline styles) and
 * the usual hardening headers. Forms post to the hub, and to the card provider's hosted page ("Pay by card").
 * HSTS and upgrading requests only make sense when the hub itself serves TLS.
 */
function securityHeaders(config: HubConfig) {
  const tls = Boolean(config.tls);
  const provider = config.payments.epay ? [new URL(config.payments.epay.pageUrl).origin] : [];
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'", ...provider],
        frameAncestors: ["'none'"],
        ...(tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: tls ? { maxAge: 31_536_000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** The built Angular portal, with every unknown page falling back to index.html for client-side routing. */
function servePortal(app: Express): void {
  const index = path.join(PORTAL_DIST, 'index.html');
  app.use(express.static(PORTAL_DIST, { index: false, maxAge: '1h' }));
  app.get(/^\/(?!api\/|dev\/).*/, (_req, res) => {
    if (fs.existsSync(index)) res.sendFile(index, { maxAge: 0 });
    else res.status(503).type('text').send('The portal is not built yet: run "npm run build".');
  });
}
