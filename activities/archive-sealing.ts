import { Context } from '@temporalio/activity';
import { appendSeal, chainHead, lastSeal, linkAt, linksBetween } from '../db/archive/chain';
import { ChainWalk } from '../domain/archive/chain';
import { sha256Hex } from '../domain/archive/records';
import {
  sealDocument,
  sealTimestampDigest,
  signSealDocument,
  type StoredSeal,
} from '../domain/archive/seals';
import { loadArchiveKeys, type ArchiveKeys } from '../platform/archive-keys';
import { logger } from '../platform/logger';
import { stampDigest } from '../platform/archive-stamp';
import type { ActivityDeps } from './index';

export interface SealOutcome {
  status: 'sealed' | 'unchanged' | 'refused';
  /** The seal made, or the last one when nothing was new. */
  seal?: number;
  headSeq: number;
  /** Why a seal was refused: the breaks found in the links since the last seal. */
  breaks?: string[];
  /** How long until the next seal (ARCHIVE_SEAL_INTERVAL as the worker has it now). */
  nextIn: string;
}

const MAX_REPORTED_BREAKS = 20;

export function archiveSealingActivities({ db, config }: Pick<ActivityDeps, 'db' | 'config'>) {
  let keys: Promise<ArchiveKeys> | undefined;

  return {
    /**
     * Seals the chain head: checks the links added since the last seal (each hashes to itself and names the one
     * before, from the last sealed head on), signs the seal document with the archive key, time-stamps the signature
     * (TSA_URL, else the hub's own unit) and appends the seal. Nothing new since the last seal: no seal. A break
     * since the last seal: no seal either (the hub never vouches for a broken chain); `archive verify` says where.
     */
    async sealArchive(): Promise<SealOutcome> {
      const nextIn = config.archive.sealInterval;
      keys ??= loadArchiveKeys(config.dataDir);
      const { archive } = await keys;
      const previous = await lastSeal(db);
      const head = await chainHead(db);
      if (!head || (previous && head.seq <= previous.headSeq)) {
        return { status: 'unchanged', seal: previous?.seal, headSeq: head?.seq ?? 0, nextIn };
      }

      const breaks: string[] = [];
      if (previous) {
        const sealedHead = await linkAt(db, previous.headSeq);
        if (sealedHead?.link !== previous.headLink)
          breaks.push(
            `the head of seal ${previous.seal} (link ${previous.headSeq}) is no longer the link it sealed`,
          );
      }
      const walk = new ChainWalk(
        new Set(),
        previous ? { seq: previous.headSeq, link: previous.headLink } : undefined,
      );
      for await (const batch of linksBetween(db, previous?.headSeq ?? 0, head.seq)) {
        for (const link of batch) walk.add(link);
        heartbeat(batch[batch.length - 1].seq);
      }
      breaks.push(...walk.breaks.map((b) => b.message));
      if (walk.unanchored.length > 0)
        breaks.push(
          ...walk.unanchored.map(({ link }) => `link ${link.seq} does not follow link ${link.seq - 1}`),
        );
      if (walk.head?.seq !== head.seq) breaks.push(`the chain ends before its head ${head.seq}`);
      if (breaks.length > 0) {
        logger.error(
          { breaks: breaks.slice(0, MAX_REPORTED_BREAKS) },
          'the archive chain is broken since the last seal: not sealing (run bin/hub archive verify)',
        );
        return {
          status: 'refused',
          seal: previous?.seal,
          headSeq: head.seq,
          breaks: breaks.slice(0, MAX_REPORTED_BREAKS),
          nextIn,
        };
      }

      const facts = {
        seal: (previous?.seal ?? 0) + 1,
        previousSealSha256: previous?.documentSha256 ?? null,
        headSeq: head.seq,
        headLink: head.link,
        sealedAt: new Date(),
      };
      const document = sealDocument(facts);
      const signature = signSealDocument(document, archive.privateKey);
      const stamp = await stampDigest(
        sealTimestampDigest(signature),
        await keys,
        config.archive.tsaUrl,
        `seal ${facts.seal}`,
      );
      const seal: StoredSeal = {
        ...facts,
        documentSha256: sha256Hex(document),
        signature,
        signerCertificatePem: archive.certificatePem,
        timestampToken: stamp.token,
        timestampAuthority: stamp.authority,
        timestampTime: stamp.time,
      };
      await appendSeal(db, seal);
      logger.info({ seal: seal.seal, headSeq: seal.headSeq, tsa: seal.timestampAuthority }, 'archive sealed');
      return { status: 'sealed', seal: seal.seal, headSeq: seal.headSeq, nextIn };
    },
  };
}

/** A long tail of links heartbeats; called outside an activity (bench:archive) there is nobody to tell. */
function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not in an activity
  }
}

export type ArchiveSealingActivities = ReturnType<typeof archiveSealingActivities>;
