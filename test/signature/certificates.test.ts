import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { certificateFromDer, isIssuedBy, type Certificate } from '../../domain/signature/certificates';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_NAME = 'CN=Look-alike CA, O=Hub Test, C=BG';

async function keys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function parsed(certificate: x509.X509Certificate): Certificate {
  const result = certificateFromDer(new Uint8Array(certificate.rawData));
  if (!result) throw new Error('the test certificate does not parse');
  return result;
}

describe('isIssuedBy (answers are kept per certificate pair)', () => {
  it('a CA with the same name but another key is refused, before and after the genuine CA was accepted', async () => {
    const genuineKeys = await keys();
    const impostorKeys = await keys();
    const validity = {
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
    };
    const ca = (pair: CryptoKeyPair, serialNumber: string) =>
      x509.X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name: CA_NAME,
        keys: pair,
        signingAlgorithm: EC,
        ...validity,
      });
    const genuine = parsed(await ca(genuineKeys, '01'));
    const impostor = parsed(await ca(impostorKeys, '02'));
    const leafKeys = await keys();
    const leaf = parsed(
      await x509.X509CertificateGenerator.create({
        serialNumber: '03',
        subject: 'CN=Signer',
        issuer: CA_NAME,
        publicKey: leafKeys.publicKey,
        signingKey: genuineKeys.privateKey,
        signingAlgorithm: EC,
        ...validity,
      }),
    );

    expect(isIssuedBy(leaf, impostor)).toBe(false);
    expect(isIssuedBy(leaf, genuine)).toBe(true);
    expect(isIssuedBy(leaf, impostor)).toBe(false);
    expect(isIssuedBy(leaf, genuine)).toBe(true);
    // The same bytes parsed again are the same certificate, with the same answer.
    expect(isIssuedBy(parsed(x509ToCertificate(leaf)), genuine)).toBe(true);
  });
});

function x509ToCertificate(certificate: Certificate): x509.X509Certificate {
  return new x509.X509Certificate(new Uint8Array(certificate.der));
}
