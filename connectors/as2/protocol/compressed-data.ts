/**
 * CMS CompressedData (RFC 3274), the AS2 compression layer of RFC 5402. asn1-cms has no class for it, so it is
 * declared here; the decorators are applied as plain calls (this project compiles without decorator syntax).
 *
 *   CompressedData ::= SEQUENCE {
 *     version CMSVersion,                                    -- always 0
 *     compressionAlgorithm CompressionAlgorithmIdentifier,   -- id-alg-zlibCompress
 *     encapContentInfo EncapsulatedContentInfo }
 */
import 'reflect-metadata';
import { inflateSync, deflateSync } from 'node:zlib';
import { CMSVersion, EncapsulatedContent, EncapsulatedContentInfo, id_data } from '@peculiar/asn1-cms';
import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { OID } from './algorithms';
import { contentInfoDer, encapsulatedOctets, parseCms, readContentInfo } from './content-info';
import { As2Error, reasonOf } from './errors';

export class CompressedData {
  version: CMSVersion = CMSVersion.v0;
  compressionAlgorithm = new AlgorithmIdentifier();
  encapContentInfo = new EncapsulatedContentInfo();

  constructor(params: Partial<CompressedData> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Integer })(CompressedData.prototype, 'version');
AsnProp({ type: AlgorithmIdentifier })(CompressedData.prototype, 'compressionAlgorithm');
AsnProp({ type: EncapsulatedContentInfo })(CompressedData.prototype, 'encapContentInfo');
AsnType({ type: AsnTypeTypes.Sequence })(CompressedData);

/** A zip bomb must not take the process down: inflating stops here (256 MiB, far above any invoice batch). */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export function createCompressedData(content: Buffer): Buffer {
  return contentInfoDer(
    OID.compressedData,
    new CompressedData({
      compressionAlgorithm: new AlgorithmIdentifier({ algorithm: OID.zlibCompress }),
      encapContentInfo: new EncapsulatedContentInfo({
        eContentType: id_data,
        eContent: new EncapsulatedContent({ single: new OctetString(deflateSync(content)) }),
      }),
    }),
  );
}

/** The content of a CompressedData ContentInfo (BER as any sender writes it). */
export function decompressData(ber: Buffer, maxBytes = MAX_DECOMPRESSED_BYTES): Buffer {
  const info = readContentInfo(ber, 'The compressed-data body');
  if (info.contentType !== OID.compressedData)
    throw new As2Error(
      'unexpected-processing-error',
      `Expected CMS CompressedData (${OID.compressedData}), found content type ${info.contentType}.`,
    );
  const compressed = parseCms(info.content, CompressedData, 'The CompressedData');
  const algorithm = compressed.compressionAlgorithm.algorithm;
  if (algorithm !== OID.zlibCompress)
    throw new As2Error(
      'unexpected-processing-error',
      `Unsupported compression algorithm ${algorithm}: only zlib (${OID.zlibCompress}) is defined for CMS.`,
    );
  const eContent = compressed.encapContentInfo.eContent;
  if (!eContent) throw new As2Error('decompression-failed', 'The CompressedData carries no content.');
  try {
    return inflateSync(encapsulatedOctets(eContent), { maxOutputLength: maxBytes });
  } catch (error) {
    throw new As2Error('decompression-failed', `The zlib stream cannot be inflated: ${reasonOf(error)}`);
  }
}
