/**
 * The invoice domain's entry points: read UBL 2.1 (Invoice, CreditNote) or UN/CEFACT CII D16B bytes into the
 * EN 16931 model, and summarize a model for the rest of the hub. A Factur-X / ZUGFeRD PDF gives up its CII with
 * extractEmbeddedInvoice, imported from factur-x.ts itself: only the issuer agent reads PDFs, and the worker and the
 * gateway need not load pdf-lib.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { parseXml } from '../xml';
import { CII_NAMESPACES, readCii } from './cii';
import type { Invoice, InvoiceSummary } from './model';
import { UBL_NAMESPACES, readUbl } from './ubl';

export * from './model';

export type InvoiceFormatErrorCode = 'UNSUPPORTED_DOCUMENT' | 'EMPTY_DOCUMENT';

/** Well-formed XML that is not an invoice the hub accepts. */
export class InvoiceFormatError extends Error {
  override readonly name = 'InvoiceFormatError';
  constructor(
    readonly code: InvoiceFormatErrorCode,
    message: string,
    /** The root element as {namespace}localName, when there was one. */
    readonly rootElement?: string,
  ) {
    super(message);
  }
}

export const ACCEPTED_DOCUMENTS =
  'UBL 2.1 Invoice ({urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice), UBL 2.1 CreditNote ({urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote) or UN/CEFACT CII D16B ({urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice)';

/**
 * Parses invoice bytes (or an already parsed document) into the EN 16931 model.
 * Throws XmlInputError (from domain/xml) for unsafe or malformed XML and InvoiceFormatError for any other document.
 */
export function parseInvoice(input: Uint8Array | string | Document): Invoice {
  const document = typeof input === 'string' || input instanceof Uint8Array ? parseXml(input) : input;
  const root = document.documentElement as Element | null;
  if (!root)
    throw new InvoiceFormatError(
      'EMPTY_DOCUMENT',
      `The document has no root element; expected ${ACCEPTED_DOCUMENTS}.`,
    );
  const namespace = root.namespaceURI ?? '';
  const name = root.localName ?? root.nodeName;
  if (name === 'Invoice' && namespace === UBL_NAMESPACES.Invoice) return readUbl(root, 'Invoice');
  if (name === 'CreditNote' && namespace === UBL_NAMESPACES.CreditNote) return readUbl(root, 'CreditNote');
  if (name === 'CrossIndustryInvoice' && namespace === CII_NAMESPACES.rsm) return readCii(root);
  const found = `{${namespace}}${name}`;
  throw new InvoiceFormatError(
    'UNSUPPORTED_DOCUMENT',
    `The root element is ${namespace ? found : `<${name}> without a namespace`}, which is not an invoice the hub accepts; expected ${ACCEPTED_DOCUMENTS}.`,
    found,
  );
}

/** The few facts the database, workflows and portal keep about an invoice. */
export function summarizeInvoice(invoice: Invoice): InvoiceSummary {
  const { seller, buyer } = invoice;
  const buyerElectronicMail =
    buyer.electronicAddress && (buyer.electronicAddress.scheme ?? '').toUpperCase() === 'EM'
      ? buyer.electronicAddress.value
      : undefined;
  return {
    syntax: invoice.syntax,
    kind: invoice.kind,
    number: invoice.number,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    supplier: { name: seller.name ?? seller.tradingName, vatId: seller.vatId, id: partyIdOf(invoice.seller) },
    customer: {
      name: buyer.name ?? buyer.tradingName,
      vatId: buyer.vatId,
      id: partyIdOf(buyer),
      email: nonEmpty(buyer.contact?.email) ?? nonEmpty(buyerElectronicMail),
    },
    total: invoice.totals.payable,
  };
}

/** The party's registration number (EIK, company number) or, failing that, its first identifier. */
function partyIdOf(party: Invoice['seller']): string | undefined {
  return (
    nonEmpty(party.legalRegistrationId?.value) ??
    nonEmpty(party.taxRegistrationId) ??
    nonEmpty(party.identifiers[0]?.value)
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}
