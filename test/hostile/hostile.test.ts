/**
 * Hostile input at every door (issue 12, item 5): one hub — worker, gateway (issuer API, portal API, AS2 receiver)
 * and SFTP server — and a table of cases per door in cases/. Each case must be answered with its door's specific
 * code, in bounded time and memory, and leave nothing stored: the rows of the door's issuer in every table a door
 * writes (invoices, their events, deliveries, answers, AS2 messages, statements and their entries, payments, staged
 * files, disputes, their entries, uploads and attachments) are counted before and after, and only what the door
 * legitimately keeps of a refusal may appear (a quarantined delivery with its reason and acknowledgement; a refused
 * statement with its reason). The summary printed at the end is the README's table.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningSftpServer } from '../../connectors/sftp/server';
import { addAs2Partner, startAs2Gateway, type As2Gateway } from '../support/as2-hub';
import { deliverInvoice, loggedIn, registeredPerson } from '../support/dispute-hub';
import { addTestIssuer, startTestHub, type TestHub } from '../support/hub';
import { addSftpIssuer, rawSftp, startTestSftpServer } from '../support/sftp-hub';
import * as hostile from './payloads';
import { as2Cases, type As2Door } from './cases/as2';
import { cliCases, type CliDoor } from './cases/cli';
import { disputeCases, type DisputeDoor } from './cases/disputes';
import { portalCases, type PortalDoor } from './cases/portal';
import { restCases, type RestDoor } from './cases/rest';
import { sftpCases, type SftpDoor } from './cases/sftp';
import { statementCases, type StatementDoor } from './cases/statements';
import {
  caseList,
  footprintOf,
  results,
  runCase,
  summaryTable,
  type Door,
  type Footprint,
  type HostileCase,
} from './measure';

const MIB = 1024 * 1024;
/** Small limits, so that "over the limit" costs the suite megabytes, not hundreds of them. */
const LIMITS = { maxInvoiceBytes: 2 * MIB, maxUploadBytes: 4 * MIB, maxAs2MessageBytes: 4 * MIB };
/** Every case is answered within this, and the hub's peak memory grows by less than this for any one of them. */
const MAX_MS: Record<Door, number> = {
  'REST API': 5_000,
  SFTP: 10_000,
  AS2: 10_000,
  'statement import': 5_000,
  'dispute attachments': 5_000,
  'portal forms': 5_000,
  // The first line of a run includes starting the command (tsx compiles it): seconds on a busy CI machine.
  'CLI files': 30_000,
};
const MAX_PEAK_GROWTH_BYTES = 160 * MIB;
/** The CLI's figure is its own process's whole peak (Node, tsx and the hub's modules take some 200 MiB). */
const MAX_CLI_PEAK_BYTES = 400 * MIB;

const cli = cliCases(LIMITS.maxInvoiceBytes);

describe('hostile input at every door', () => {
  let hub: TestHub;
  let gateway: As2Gateway;
  let sftpServer: RunningSftpServer;
  const doors: {
    rest?: RestDoor;
    sftp?: SftpDoor;
    as2?: As2Door;
    statements?: StatementDoor;
    disputes?: DisputeDoor;
    portal?: PortalDoor;
    cli?: CliDoor;
  } = {};
  const issuers = new Map<Door, string>();
  let endSftp: (() => void) | undefined;

  beforeAll(async () => {
    // The big payloads are made before anything is measured: the client shares this process with the hub.
    hostile.zipBomb();
    hostile.lyingZipBomb();
    hub = await startTestHub({
      REMINDER_DELAYS: '1h',
      DISPUTE_REMINDER_DELAY: '1h',
      MAX_INVOICE_BYTES: String(LIMITS.maxInvoiceBytes),
      SFTP_MAX_UPLOAD_BYTES: String(LIMITS.maxUploadBytes),
      AS2_MAX_MESSAGE_BYTES: String(LIMITS.maxAs2MessageBytes),
    });
    gateway = await startAs2Gateway(hub);
    sftpServer = await startTestSftpServer(hub);
    const baseUrl = gateway.apiUrl.replace(/\/api\/v1$/, '');

    const rest = await addTestIssuer(hub.db);
    issuers.set('REST API', rest.issuer.id);
    doors.rest = { apiUrl: gateway.apiUrl, apiKey: rest.apiKey, maxInvoiceBytes: LIMITS.maxInvoiceBytes };

    const sftpIssuer = await addSftpIssuer(hub, sftpServer.port);
    issuers.set('SFTP', sftpIssuer.issuer.id);
    const session = await rawSftp(sftpServer.port, sftpIssuer.issuer.id, sftpIssuer.privateKey);
    endSftp = session.end;
    doors.sftp = {
      sftp: session.sftp,
      db: hub.db,
      issuerId: sftpIssuer.issuer.id,
      maxUploadBytes: LIMITS.maxUploadBytes,
    };

    const partner = await addAs2Partner(hub, `HOSTILE-AS2-${crypto.randomUUID().slice(0, 6)}`);
    issuers.set('AS2', partner.issuer.id);
    doors.as2 = {
      url: gateway.url,
      as2To: hub.config.as2.id,
      partner: partner.keys,
      hubCertPem: gateway.hubCertPem,
      maxMessageBytes: LIMITS.maxAs2MessageBytes,
    };

    const statements = await addTestIssuer(hub.db);
    issuers.set('statement import', statements.issuer.id);
    doors.statements = { apiUrl: gateway.apiUrl, apiKey: statements.apiKey };

    // Disputes and portal forms: a registered recipient of one invoice, logged in.
    const disputeIssuer = await addTestIssuer(hub.db);
    issuers.set('dispute attachments', disputeIssuer.issuer.id);
    issuers.set('portal forms', disputeIssuer.issuer.id);
    const person = await registeredPerson(hub);
    const { invoice } = await deliverInvoice(hub, disputeIssuer.issuer, person.email);
    const visitor = await loggedIn({ ...hub, baseUrl }, person.email);
    const cookie = (visitor.lastSetCookie ?? '').split(';')[0];
    doors.disputes = { baseUrl, visitor, cookie, invoiceId: invoice.id };
    doors.portal = { baseUrl, visitor, invoiceId: invoice.id };

    const cliIssuer = await addTestIssuer(hub.db);
    issuers.set('CLI files', cliIssuer.issuer.id);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-cli-'));
    doors.cli = {
      dir,
      env: {
        ...process.env,
        DATA_DIR: dir,
        MAX_INVOICE_BYTES: String(LIMITS.maxInvoiceBytes),
        LOG_LEVEL: 'warn',
      },
      apiUrl: gateway.apiUrl,
      apiKey: cliIssuer.apiKey,
      runs: new Map(),
    };
  });

  afterAll(async () => {
    if (results.length) {
      const summary = summaryTable();
      console.log(`hostile input, by door:\n${summary}\n\n${caseList()}`);
      fs.writeFileSync(path.join(os.tmpdir(), 'hostile-results.json'), JSON.stringify(results, null, 2));
    }
    endSftp?.();
    await sftpServer?.close();
    await gateway?.close();
    await hub?.stop();
  });

  function door<Context>(name: Door, cases: HostileCase<Context>[], context: () => Context | undefined) {
    describe(name, () => {
      test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, hostileCase) => {
        const issuerId = issuers.get(name) as string;
        const footprint = (): Promise<Footprint> => footprintOf(hub.db, issuerId);
        const measured = await runCase(name, hostileCase, context() as Context, footprint);
        expect(measured.answer.code).toBe(hostileCase.expect);
        if (hostileCase.detail) expect(measured.answer.detail).toMatch(hostileCase.detail);
        expect(measured.ms).toBeLessThan(MAX_MS[name]);
        expect(measured.peakRssGrowthBytes).toBeLessThan(
          name === 'CLI files' ? MAX_CLI_PEAK_BYTES : MAX_PEAK_GROWTH_BYTES,
        );
        expect(measured.stored).toEqual(hostileCase.keeps ?? {});
      });
    });
  }

  door('REST API', restCases, () => doors.rest);
  door('SFTP', sftpCases, () => doors.sftp);
  door('AS2', as2Cases, () => doors.as2);
  door('statement import', statementCases, () => doors.statements);
  door('dispute attachments', disputeCases, () => doors.disputes);
  door('portal forms', portalCases, () => doors.portal);
  door('CLI files', cli, () => doors.cli);
});
