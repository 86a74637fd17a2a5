/**
 * The AS2 protocol (RFC 4130) as plain functions: open an inbound message, build the receipt, and the MIME and
 * CMS pieces beneath them. No HTTP, no storage: the gateway's `POST /as2` calls these.
 */
import 'reflect-metadata';

export {
  openAs2Message,
  type As2Layer,
  type As2Payload,
  type InboundAs2Message,
  type OpenAs2Options,
  type OpenedAs2Message,
} from './message';
export {
  buildMdn,
  parseDispositionNotificationOptions,
  parseMdn,
  type BuiltMdn,
  type DispositionNotificationOptions,
  type MdnDisposition,
  type MdnRequest,
  type ParsedMdn,
  type ParseMdnOptions,
} from './mdn';
export {
  buildAs2Message,
  type As2Step,
  type BuildAs2Options,
  type BuiltAs2Message,
  type OutgoingPayload,
} from './build';
export { certificateInfo, generateAs2Identity, type CertificateInfo } from './identity';
export type { OwnKeyPair } from './certificates';
export { As2Error, type As2Disposition } from './errors';
export { computeMic, formatMic, parseMic, type Mic } from './mic';
export type { ContentEncryption, KeyTransport, MicAlgorithm, SignatureScheme } from './algorithms';
export * as cms from './cms';
export * as mime from './mime';
