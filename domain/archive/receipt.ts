/**
 * The signed return receipt: when a recipient first views an invoice in an authenticated portal session, the hub
 * issues a small XML document naming the invoice (its id, number and the SHA-256 of the archived original), the
 * recipient, the time of the view and the session's evidence, signed XAdES-B enveloped by the hub's archive key. The
 * issuer can keep it and show it to anyone: it verifies with `bin/hub verify` and with `xmlsec1`, with no hub running.
 */
import { parseXml, type Element } from '../xml';
import { signInvoice, verifySignature } from '../signature';
import type { SignatureReport } from '../signature/types';

export const VIEW_RECEIPT_NS = 'urn:einvoice-hub:view-receipt:1';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface ViewReceiptFacts {
  invoice: { id: string; number: string; sha256: string; issueDate: string };
  issuer: { name: string; eik: string };
  recipient: { id: string; email: string };
  /** The authenticated view: when, and what the portal logged of the session. */
  view: { at: string; logId: string; userAgent: string | null; ip: string | null };
  /** When the receipt was made (the signature carries its own signing time too). */
  issuedAt: string;
  hub: string;
}

export interface ArchiveSigner {
  certificatePem: string;
  privateKeyPem: string;
}

/** The receipt as signed XML text. */
export async function signViewReceipt(facts: ViewReceiptFacts, signer: ArchiveSigner): Promise<string> {
  return signInvoice(viewReceiptXml(facts), signer, { signingTime: new Date(facts.issuedAt) });
}

export function viewReceiptXml(facts: ViewReceiptFacts): string {
  const e = (name: string, value: string | null) =>
    value === null ? `<${name}/>` : `<${name}>${escapeXml(value)}</${name}>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ViewReceipt xmlns="${VIEW_RECEIPT_NS}">` +
    `<Statement>${escapeXml(
      `The recipient ${facts.recipient.email} viewed invoice ${facts.invoice.number} of ${facts.issuer.name} ` +
        `(EIK ${facts.issuer.eik}) in an authenticated portal session at ${facts.view.at}.`,
    )}</Statement>` +
    `<Invoice>${e('Id', facts.invoice.id)}${e('Number', facts.invoice.number)}${e('IssueDate', facts.invoice.issueDate)}` +
    `<SHA256>${facts.invoice.sha256}</SHA256></Invoice>` +
    `<Issuer>${e('Name', facts.issuer.name)}${e('EIK', facts.issuer.eik)}</Issuer>` +
    `<Recipient>${e('Id', facts.recipient.id)}${e('Email', facts.recipient.email)}</Recipient>` +
    `<View>${e('At', facts.view.at)}${e('LogEntry', facts.view.logId)}<Session>${e('UserAgent', facts.view.userAgent)}` +
    `${e('Address', facts.view.ip)}<Authentication>portal password login over TLS</Authentication></Session></View>` +
    `${e('IssuedAt', facts.issuedAt)}${e('IssuedBy', facts.hub)}` +
    `</ViewReceipt>\n`
  );
}

/** True when the document is a view receipt (so `bin/hub verify` checks it as one, not as an invoice). */
export function isViewReceipt(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('utf8');
  return head.includes('<ViewReceipt') && head.includes(VIEW_RECEIPT_NS);
}

export interface ViewReceiptReport {
  facts: {
    invoiceId?: string;
    invoiceNumber?: string;
    invoiceSha256?: string;
    recipient?: string;
    viewedAt?: string;
    issuedBy?: string;
  };
  signature: SignatureReport;
  /** The signature is intact and made with the expected archive certificate (or a trusted one). */
  valid: boolean;
  /** What the receipt proves, in words. */
  statement: string;
}

/**
 * Checks a receipt's signature. `archiveCertificatePem`, when given, must be the signer (the hub's archive certificate,
 * which the issuer can obtain from the hub once and keep); trust anchors work as for invoices.
 */
export async function verifyViewReceipt(
  bytes: Uint8Array,
  options: { trust?: string[]; archiveCertificateDer?: Buffer; offline?: boolean } = {},
): Promise<ViewReceiptReport> {
  const document = parseXml(bytes);
  const root = document.documentElement as Element;
  const text = (path: string[]) => {
    let node: Element | undefined = root;
    for (const name of path) {
      node = childElements(node).find((child) => child.localName === name);
      if (!node) return undefined;
    }
    return node.textContent ?? undefined;
  };
  const facts = {
    invoiceId: text(['Invoice', 'Id']),
    invoiceNumber: text(['Invoice', 'Number']),
    invoiceSha256: text(['Invoice', 'SHA256']),
    recipient: text(['Recipient', 'Email']),
    viewedAt: text(['View', 'At']),
    issuedBy: text(['IssuedBy']),
  };
  const signature = await verifySignature(document, {
    trust: options.trust,
    offline: options.offline ?? true,
    requireSignature: true,
  });
  // An intact signature is bound to the certificate in its KeyInfo: that certificate must be the archive's.
  const signingCertificate = document.getElementsByTagNameNS(DSIG_NS, 'X509Certificate')[0]?.textContent;
  const signerMatches =
    options.archiveCertificateDer !== undefined &&
    signingCertificate !== undefined &&
    signingCertificate !== null &&
    Buffer.from(signingCertificate.replace(/\s+/g, ''), 'base64').equals(options.archiveCertificateDer);
  const valid = signature.intact && (signature.indication === 'TOTAL-PASSED' || signerMatches);
  const statement = valid
    ? `Intact and signed by ${signerMatches ? "this hub's archive key" : 'a trusted signer'}: the recipient ` +
      `${facts.recipient} viewed invoice ${facts.invoiceNumber} (original SHA-256 ${facts.invoiceSha256}) at ` +
      `${facts.viewedAt}, as recorded by ${facts.issuedBy}.`
    : signature.intact
      ? 'The receipt is intact, but its signer is neither trusted nor the given archive certificate.'
      : 'The receipt is NOT intact: it was changed after it was signed, or the signature is broken.';
  return { facts, signature, valid, statement };
}

function childElements(element: Element): Element[] {
  const children: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) children.push(node as Element);
  }
  return children;
}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
