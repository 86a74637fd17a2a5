import { makeUblInvoice, type InvoiceSpec } from './invoice-factory';

/**
 * Makes UBL 2.1 CreditNotes that satisfy EN 16931 and the Bulgarian rules (Art. 115 VAT Act: the corrected invoice's
 * number and date in BG-3, BT-25/BT-26), for tests. Built from the invoice factory's document, turned into a
 * CreditNote the way the UBL binding says: root and type code (381), CreditNoteLine with CreditedQuantity, no
 * DueDate at the root (payment terms instead), and the BillingReference to the invoice.
 */
export interface CreditNoteSpec extends Omit<InvoiceSpec, 'dueDate'> {
  /** BT-25: the invoice this credit note corrects (several for a credit note over more invoices). */
  corrects: { number: string; issueDate: string }[];
}

export function makeUblCreditNote(spec: CreditNoteSpec): string {
  const invoice = makeUblInvoice({ ...spec, lines: spec.lines ?? 1 });
  const references = spec.corrects
    .map(
      (ref) => `
  <cac:BillingReference>
    <cac:InvoiceDocumentReference>
      <cbc:ID>${ref.number}</cbc:ID>
      <cbc:IssueDate>${ref.issueDate}</cbc:IssueDate>
    </cac:InvoiceDocumentReference>
  </cac:BillingReference>`,
    )
    .join('');
  const replacements: [RegExp, string][] = [
    [
      /<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/,
      '<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"',
    ],
    [/<\/Invoice>/, '</CreditNote>'],
    [/\s*<cbc:DueDate>[^<]*<\/cbc:DueDate>/, ''],
    [
      /<cbc:InvoiceTypeCode>380<\/cbc:InvoiceTypeCode>/,
      '<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>',
    ],
    [/(<cbc:BuyerReference>[^<]*<\/cbc:BuyerReference>)/, `$1${references}`],
    [
      /(<\/cac:PaymentMeans>)/,
      '$1\n  <cac:PaymentTerms><cbc:Note>Offset against the next invoice</cbc:Note></cac:PaymentTerms>',
    ],
    [/<cac:InvoiceLine>/g, '<cac:CreditNoteLine>'],
    [/<\/cac:InvoiceLine>/g, '</cac:CreditNoteLine>'],
    [/<cbc:InvoicedQuantity /g, '<cbc:CreditedQuantity '],
    [/<\/cbc:InvoicedQuantity>/g, '</cbc:CreditedQuantity>'],
  ];
  return replacements.reduce((xml, [pattern, replacement]) => {
    if (!pattern.test(xml)) throw new Error(`credit note factory: ${pattern} not found in the invoice`);
    pattern.lastIndex = 0;
    return xml.replace(pattern, replacement);
  }, invoice);
}
