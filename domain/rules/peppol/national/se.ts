/** Swedish rules of Peppol BIS Billing 3.0 (SE-R-*): VAT and organisation numbers, F-tax approval, VAT rates. */
import { hasValidSwedishCheckDigit } from '../../../identifiers/schemes';
import {
  type PeppolDocument,
  type PeppolReport,
  normalizeSpace,
  numberOf,
  stringOf,
  ubl,
  vatSchemesOf,
} from '../document';

export function checkSwedishRules(document: PeppolDocument, report: PeppolReport): void {
  const seller = document.seller;
  if (!seller) return;
  const inSweden = ubl
    .all(seller, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode')
    .some((code) => stringOf(code) === 'SE');
  if (!inSweden) return;
  const vatSchemes = vatSchemesOf(seller);
  const vatNumber = stringOf(ubl.one(vatSchemes[0], 'cbc:CompanyID'));
  const swedishVat = vatSchemes.some((scheme) =>
    ubl.all(scheme, 'cbc:CompanyID').some((id) => stringOf(id).startsWith('SE')),
  );
  if (swedishVat) {
    if (normalizeSpace(vatNumber).length !== 14)
      report.fatal(
        'SE-R-001',
        seller,
        `A Swedish VAT number has 14 characters ("SE", ten digits, "01"); found "${vatNumber}".`,
        `Шведският ДДС номер има 14 знака ("SE", десет цифри, "01"); намерено "${vatNumber}".`,
      );
    if (Number.isNaN(numberOf(vatNumber.slice(2, 14))))
      report.fatal(
        'SE-R-002',
        seller,
        `The last 12 characters of a Swedish VAT number are digits; found "${vatNumber}".`,
        `Последните 12 знака на шведския ДДС номер са цифри; намерено "${vatNumber}".`,
      );
  }
  for (const legalEntity of ubl.all(seller, 'cac:PartyLegalEntity')) {
    const companyId = ubl.one(legalEntity, 'cbc:CompanyID');
    if (!companyId) continue;
    const number = stringOf(companyId);
    if (Number.isNaN(numberOf(number)))
      report.fatal(
        'SE-R-003',
        legalEntity,
        `A Swedish organisation number (BT-30) is numeric; found "${number}".`,
        `Шведският организационен номер (BT-30) е числов; намерено "${number}".`,
      );
    if (normalizeSpace(number).length !== 10)
      report.fatal(
        'SE-R-004',
        legalEntity,
        `A Swedish organisation number (BT-30) has 10 digits; found "${number}".`,
        `Шведският организационен номер (BT-30) има 10 цифри; намерено "${number}".`,
      );
    if (!hasValidSwedishCheckDigit(normalizeSpace(number)))
      report.fatal(
        'SE-R-013',
        legalEntity,
        `The last digit of the Swedish organisation number "${number}" is not its Luhn check digit.`,
        `Последната цифра на шведския организационен номер "${number}" не е контролната му цифра (Luhn).`,
      );
  }
  if (ubl.count(seller, 'cac:PartyLegalEntity/cbc:CompanyID') > 0) {
    for (const scheme of ubl.all(seller, 'cac:PartyTaxScheme')) {
      if (normalizeSpace(stringOf(ubl.one(scheme, 'cac:TaxScheme/cbc:ID')).toUpperCase()) === 'VAT') continue;
      for (const id of ubl.all(scheme, 'cbc:CompanyID'))
        if (normalizeSpace(stringOf(id).toUpperCase()) !== 'GODKÄND FÖR F-SKATT')
          report.fatal(
            'SE-R-005',
            id,
            `A Swedish seller's tax registration (BT-32) states "Godkänd för F-skatt"; found "${stringOf(id)}".`,
            `Данъчната регистрация (BT-32) на шведски продавач гласи "Godkänd för F-skatt"; намерено "${stringOf(id)}".`,
          );
    }
  }
  if (swedishVat) {
    const categories = [
      ...ubl.all(document.root, 'cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory'),
      ...ubl.all(document.root, 'cac:AllowanceCharge/cac:TaxCategory'),
      ...document.lines.flatMap((line) => [
        ...ubl.all(line, 'cac:AllowanceCharge/cac:TaxCategory'),
        ...ubl.all(line, 'cac:Item/cac:ClassifiedTaxCategory'),
      ]),
    ];
    for (const category of categories) {
      if (!ubl.all(category, 'cbc:ID').some((id) => stringOf(id) === 'S')) continue;
      const rate = numberOf(stringOf(ubl.one(category, 'cbc:Percent')));
      if (rate !== 25 && rate !== 12 && rate !== 6)
        report.fatal(
          'SE-R-006',
          category,
          `A Swedish seller's standard VAT rate is 25, 12 or 6 %; found "${stringOf(ubl.one(category, 'cbc:Percent'))}".`,
          `Стандартната ставка на ДДС на шведски продавач е 25, 12 или 6 %; намерено "${stringOf(ubl.one(category, 'cbc:Percent'))}".`,
        );
    }
  }
}
