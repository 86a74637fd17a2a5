/** Norwegian rules of Peppol BIS Billing 3.0 (NO-R-*): the form of a Norwegian VAT number. */
import { hasValidMod11CheckDigit } from '../../../identifiers/schemes';
import { type PeppolDocument, type PeppolReport, normalizeSpace, stringOf, ubl } from '../document';

export function checkNorwegianRules(document: PeppolDocument, report: PeppolReport): void {
  if (document.supplierCountry !== 'NO' || !document.seller) return;
  const vatNumbers = ubl
    .all(document.seller, 'cac:PartyTaxScheme')
    .filter((scheme) => normalizeSpace(stringOf(ubl.one(scheme, 'cac:TaxScheme/cbc:ID'))) === 'VAT')
    .map((scheme) => stringOf(ubl.one(scheme, 'cbc:CompanyID')));
  const vatNumber = vatNumbers[0];
  if (vatNumber === undefined || !vatNumber.startsWith('NO')) return;
  if (!/^[0-9]{9}MVA$/.test(vatNumber.slice(2)) || !hasValidMod11CheckDigit(vatNumber.slice(2, 11)))
    report.fatal(
      'NO-R-001',
      document.seller,
      `A Norwegian VAT number is "NO", a valid organisation number (nine digits) and "MVA"; found "${vatNumber}".`,
      `Норвежкият ДДС номер е "NO", валиден организационен номер (девет цифри) и "MVA"; намерено "${vatNumber}".`,
    );
}
