import express, { Router } from 'express';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { cardProviderOf, recordProviderResult, type CardPaymentDeps } from './card-payments';

/** Where ePay.bg posts its notifications: outside /api/v1, so the API document's validator never sees it. */
export const EPAY_NOTIFY_PATH = '/payments/epay/notify';

/**
 * The provider's server-to-server notification. The body is kept raw: the adapter verifies the signature over the
 * bytes as received before it reads anything, and refuses a bad one without calling back (nothing changes). Who may
 * call: anyone can reach it; only a correctly signed notification does anything.
 */
export function createProviderNotifyRoutes(deps: CardPaymentDeps): Router {
  const router = Router();
  router.post(
    EPAY_NOTIFY_PATH,
    express.raw({ type: 'application/x-www-form-urlencoded', limit: '16kb' }),
    async (req, res) => {
      const provider = cardProviderOf(deps.config);
      if (!provider) throw new HttpError(404, 'NOT_FOUND', 'no card payment provider is configured');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await provider.handleNotification(
        { body, contentType: req.get('content-type') },
        (result) => recordProviderResult(deps, provider.name, result),
      );
      if (answer.refused) {
        logger.warn(
          { provider: provider.name, refused: answer.refused, ip: req.ip },
          'a provider notification was refused',
        );
      }
      if (answer.problems.length)
        logger.warn({ provider: provider.name, problems: answer.problems }, 'provider notification');
      for (const result of answer.results) {
        logger.info(
          {
            provider: provider.name,
            order: result.orderId,
            outcome: result.outcome,
            acknowledgement: result.acknowledgement,
          },
          'provider notification',
        );
      }
      res.status(answer.httpStatus).type(answer.contentType).send(answer.body);
    },
  );
  return router;
}
