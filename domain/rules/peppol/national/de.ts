/** German rules of Peppol BIS Billing 3.0 (DE-R-*, the XRechnung CIUS), for a German seller and a German buyer. */
import type { Element } from '@xmldom/xmldom';
import {
  type PeppolDocument,
  type PeppolReport,
  children,
  normalizeSpace,
  numberOf,
  stringOf,
  ubl,
} from '../document';

const SKONTO = /#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$/;
const VAT_CODES = ['S', 'Z', 'E', 'AE', 'K', 'G', 'L', 'M'];

const filled = (context: Element | undefined, path: string): boolean =>
  ubl.all(context, path).some((element) => normalizeSpace(stringOf(element)) !== '');

export function checkGermanRules(document: PeppolDocument, report: PeppolReport): void {
  if (!document.supplierIsGerman || !document.customerIsGerman) return;
  const { root, kind } = document;
  const rootPath = `/${kind}`;
  const fatal = (ruleId: string, at: Element | string, message: string, messageBg: string): void =>
    report.fatal(ruleId, at, message, messageBg);
  const means = children(root, 'cac:PaymentMeans');
  if (means.length === 0)
    fatal(
      'DE-R-001',
      rootPath,
      'The payment instructions (BG-16) must be given.',
      'Трябва да има указания за плащане (BG-16).',
    );
  if (!filled(root, 'cbc:BuyerReference'))
    fatal(
      'DE-R-015',
      rootPath,
      'The buyer reference (BT-10) must be given.',
      'Трябва да има референция на купувача (BT-10).',
    );
  const categories = [
    ...children(root, 'cac:AllowanceCharge')
      .filter((charge) =>
        children(charge, 'cbc:ChargeIndicator').some((indicator) =>
          ['true', 'false'].includes(stringOf(indicator)),
        ),
      )
      .flatMap((charge) => ubl.all(charge, 'cac:TaxCategory/cbc:ID')),
    ...document.lines.flatMap((line) => ubl.all(line, 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID')),
  ].map(stringOf);
  const hasSellerTaxId =
    document.taxRepresentative !== undefined || filled(document.seller, 'cac:PartyTaxScheme/cbc:CompanyID');
  if (categories.some((code) => VAT_CODES.includes(code)) && !hasSellerTaxId)
    fatal(
      'DE-R-016',
      rootPath,
      'With VAT category S, Z, E, AE, K, G, L or M the seller VAT identifier (BT-31), tax registration identifier (BT-32) or tax representative (BG-11) must be given.',
      'При категория ДДС S, Z, E, AE, K, G, L или M трябва да има ДДС номер на продавача (BT-31), данъчен регистрационен номер (BT-32) или данъчен представител (BG-11).',
    );
  checkSkonto(document, report);
  const references = children(root, 'cac:AdditionalDocumentReference');
  const seen = new Set<string>();
  for (const reference of references) {
    const names = ubl
      .all(reference, 'cac:Attachment/cbc:EmbeddedDocumentBinaryObject')
      .flatMap((binary) => (binary.hasAttribute('filename') ? [binary.getAttribute('filename')!] : []));
    if (names.some((name) => seen.has(name)))
      fatal(
        'DE-R-022',
        reference,
        `Attached documents (BT-125) have unique file names; "${names.find((name) => seen.has(name))}" is used twice.`,
        `Приложените документи (BT-125) имат различни имена на файлове; "${names.find((name) => seen.has(name))}" се повтаря.`,
      );
    names.forEach((name) => seen.add(name));
  }
  if (ubl.count(root, 'cac:PaymentMeans/cac:PaymentMandate') > 0) {
    const sepa = (path: string): boolean =>
      ubl.all(root, path).some((id) => id.getAttribute('schemeID') === 'SEPA');
    if (
      !sepa('cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID') &&
      !sepa('cac:PayeeParty/cac:PartyIdentification/cbc:ID')
    )
      fatal(
        'DE-R-030',
        rootPath,
        'A direct debit (BG-19) gives the bank assigned creditor identifier (BT-90).',
        'Директният дебит (BG-19) посочва идентификатора на кредитора (BT-90).',
      );
    if (ubl.count(root, 'cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID') === 0)
      fatal(
        'DE-R-031',
        rootPath,
        'A direct debit (BG-19) gives the debited account (BT-91).',
        'Директният дебит (BG-19) посочва дебитираната сметка (BT-91).',
      );
  }
  if (
    ubl.count(root, 'cac:AccountingSupplierParty/cac:Party/cac:Contact') === 0 &&
    ubl.count(root, 'cac:AccountingSupplierParty') > 0
  )
    fatal(
      'DE-R-002',
      rootPath,
      'The seller contact (BG-6) must be given.',
      'Трябва да има данни за контакт на продавача (BG-6).',
    );
  const addressRules: [string, string, string, string, string][] = [
    [
      'cac:AccountingSupplierParty/cac:Party/cac:PostalAddress',
      'DE-R-003',
      'DE-R-004',
      'seller',
      'продавача',
    ],
    ['cac:AccountingCustomerParty/cac:Party/cac:PostalAddress', 'DE-R-008', 'DE-R-009', 'buyer', 'купувача'],
    ['cac:Delivery/cac:DeliveryLocation/cac:Address', 'DE-R-010', 'DE-R-011', 'deliver-to', 'доставката'],
  ];
  for (const [path, cityRule, postCodeRule, who, whoBg] of addressRules)
    for (const address of ubl.all(root, path)) {
      if (!filled(address, 'cbc:CityName'))
        fatal(cityRule, address, `The ${who} city must be given.`, `Трябва да има град на ${whoBg}.`);
      if (!filled(address, 'cbc:PostalZone'))
        fatal(
          postCodeRule,
          address,
          `The ${who} post code must be given.`,
          `Трябва да има пощенски код на ${whoBg}.`,
        );
    }
  for (const contact of ubl.all(root, 'cac:AccountingSupplierParty/cac:Party/cac:Contact')) {
    if (!filled(contact, 'cbc:Name'))
      fatal(
        'DE-R-005',
        contact,
        'The seller contact point (BT-41) must be given.',
        'Трябва да има лице за контакт на продавача (BT-41).',
      );
    if (!filled(contact, 'cbc:Telephone'))
      fatal(
        'DE-R-006',
        contact,
        'The seller contact telephone (BT-42) must be given.',
        'Трябва да има телефон за контакт на продавача (BT-42).',
      );
    if (!filled(contact, 'cbc:ElectronicMail'))
      fatal(
        'DE-R-007',
        contact,
        'The seller contact e-mail (BT-43) must be given.',
        'Трябва да има имейл за контакт на продавача (BT-43).',
      );
  }
  for (const payment of means) {
    const codes = ubl.all(payment, 'cbc:PaymentMeansCode').map((code) => numberOf(stringOf(code)));
    const has = (path: string): boolean => ubl.count(payment, path) > 0;
    if (codes.some((code) => code === 30 || code === 58)) {
      if (!has('cac:PayeeFinancialAccount'))
        fatal(
          'DE-R-023-1',
          payment,
          'A credit transfer (30, 58) gives the credit transfer information (BG-17).',
          'Кредитният превод (30, 58) посочва данните за превода (BG-17).',
        );
      if (has('cac:CardAccount') || has('cac:PaymentMandate'))
        fatal(
          'DE-R-023-2',
          payment,
          'A credit transfer (30, 58) gives no card (BG-18) or direct debit (BG-19).',
          'Кредитният превод (30, 58) не посочва карта (BG-18) или директен дебит (BG-19).',
        );
    } else if (codes.some((code) => code === 48 || code === 54 || code === 55)) {
      if (!has('cac:CardAccount'))
        fatal(
          'DE-R-024-1',
          payment,
          'A card payment (48, 54, 55) gives the card information (BG-18).',
          'Плащането с карта (48, 54, 55) посочва данните на картата (BG-18).',
        );
      if (has('cac:PayeeFinancialAccount') || has('cac:PaymentMandate'))
        fatal(
          'DE-R-024-2',
          payment,
          'A card payment (48, 54, 55) gives no credit transfer (BG-17) or direct debit (BG-19).',
          'Плащането с карта (48, 54, 55) не посочва кредитен превод (BG-17) или директен дебит (BG-19).',
        );
    } else if (codes.some((code) => code === 59)) {
      if (!has('cac:PaymentMandate'))
        fatal(
          'DE-R-025-1',
          payment,
          'A direct debit (59) gives the direct debit information (BG-19).',
          'Директният дебит (59) посочва данните за дебита (BG-19).',
        );
      if (has('cac:PayeeFinancialAccount') || has('cac:CardAccount'))
        fatal(
          'DE-R-025-2',
          payment,
          'A direct debit (59) gives no credit transfer (BG-17) or card (BG-18).',
          'Директният дебит (59) не посочва кредитен превод (BG-17) или карта (BG-18).',
        );
    }
  }
  for (const subtotal of ubl.all(root, 'cac:TaxTotal/cac:TaxSubtotal'))
    if (!filled(subtotal, 'cac:TaxCategory/cbc:Percent'))
      fatal(
        'DE-R-014',
        subtotal,
        'The VAT category rate (BT-119) must be given.',
        'Трябва да има ставка на категорията ДДС (BT-119).',
      );
}

/** DE-R-018: cash discount lines (#SKONTO#TAGE=n#PROZENT=p.pp#…#) in the payment terms, the note ending in a line break. */
function checkSkonto(document: PeppolDocument, report: PeppolReport): void {
  const note = ubl.one(document.root, 'cac:PaymentTerms/cbc:Note');
  if (!note) return;
  const text = stringOf(note);
  const lines = text.split(/\r?\n/).filter((line) => normalizeSpace(line).startsWith('#'));
  const pieces = text === '' ? [] : text.split(/#.+#/);
  const endsWithBreak = /^\s*\n/.test(pieces[pieces.length - 1] ?? '');
  if (lines.some((line) => !SKONTO.test(normalizeSpace(line)) || !endsWithBreak))
    report.fatal(
      'DE-R-018',
      note,
      'Cash discount terms in the payment terms (BT-20) are written "#SKONTO#TAGE=n#PROZENT=p.pp#" (optionally "#BASISBETRAG=…#"), one per line, the note ending in a line break.',
      'Условията за отстъпка при плащане (BT-20) се пишат "#SKONTO#TAGE=n#PROZENT=p.pp#" (по избор "#BASISBETRAG=…#"), по една на ред, като бележката завършва с нов ред.',
    );
}
