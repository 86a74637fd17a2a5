import type { Db } from '../db';
import type { Mailer } from '../mail/mailer';
import type { HubConfig } from '../platform/config';
import { acceptanceActivities } from './acceptance';
import { archiveActivities } from './archive';
import { archiveSealingActivities } from './archive-sealing';
import { as2MdnActivities } from './as2-mdn';
import { channelAnswerActivities } from './channel-answers';
import { disputeActivities } from './disputes';
import { notificationActivities } from './notification';
import { paymentActivities } from './payments';
import { sftpPickupActivities } from './sftp-pickup';
import { timelineActivities } from './timeline';
import { verificationActivities } from './verification';
import { webhookActivities } from './webhooks';

/** What every activity may use: one database pool, one mailer, the configuration. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  config: HubConfig;
  /** Derives invitation tokens. */
  secret: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...acceptanceActivities(deps),
    ...verificationActivities(deps),
    ...archiveActivities(deps),
    ...notificationActivities(deps),
    ...timelineActivities(deps),
    ...channelAnswerActivities(deps),
    ...as2MdnActivities(deps),
    ...sftpPickupActivities(deps),
    ...disputeActivities(deps),
    ...paymentActivities(deps),
    ...archiveSealingActivities(deps),
    ...webhookActivities(deps),
  };
}

export type InvoiceActivities = ReturnType<typeof createActivities>;
