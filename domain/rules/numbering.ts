/**
 * Invoice numbering per issuer (VAT Act Art. 114(1)(2)): numbers run without gaps or duplicates in one or more
 * series and never restart at year end. Needs the issuer's history, so the lifecycle calls it with that history.
 *
 * A series is the set of numbers of the same length sharing every digit but the last six (so "1000000001" and
 * "1000000002" are one series, "2000000001" another); up to a million invoices per series.
 */
import type { Finding } from '../invoice/model';

export interface IssuedInvoice {
  number: string;
  issueDate: string;
}

const SEQUENCE_DIGITS = 6;
const NUMBER_PATH = '/*/cbc:ID | /rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID';

function seriesOf(number: string): string | undefined {
  if (!/^\d+$/.test(number)) return undefined;
  return `${number.length}:${number.slice(0, Math.max(0, number.length - SEQUENCE_DIGITS))}`;
}

/**
 * The first and last number of the series `number` belongs to ("1000000000" and "1000999999" for "1000000042"),
 * so a store can find its neighbours; none for a number that is not all digits.
 */
export function numberingSeriesRange(number: string): { first: string; last: string } | undefined {
  if (!/^\d+$/.test(number)) return undefined;
  const prefix = number.slice(0, Math.max(0, number.length - SEQUENCE_DIGITS));
  const digits = number.length - prefix.length;
  return { first: prefix + '0'.repeat(digits), last: prefix + '9'.repeat(digits) };
}

export function checkNumbering(number: string, issueDate: string, history: IssuedInvoice[]): Finding[] {
  const findings: Finding[] = [];
  const duplicate = history.find((issued) => issued.number === number);
  if (duplicate) {
    findings.push({
      ruleId: 'BG-NUM-01',
      severity: 'fatal',
      path: NUMBER_PATH,
      message: `Invoice number ${number} was already used by this issuer (invoice of ${duplicate.issueDate}); every invoice needs a new number.`,
      messageBg: `Номер ${number} вече е използван от този издател (фактура от ${duplicate.issueDate}); всяка фактура трябва да има нов номер.`,
    });
    return findings;
  }
  const series = seriesOf(number);
  if (!series) return findings;
  const value = BigInt(number);
  const sameSeries = history.filter((issued) => seriesOf(issued.number) === series);
  let previous: IssuedInvoice | undefined;
  let next: IssuedInvoice | undefined;
  for (const issued of sameSeries) {
    const issuedValue = BigInt(issued.number);
    if (issuedValue < value && (!previous || issuedValue > BigInt(previous.number))) previous = issued;
    if (issuedValue > value && (!next || issuedValue < BigInt(next.number))) next = issued;
  }
  if (previous && value - BigInt(previous.number) > 1n) {
    const missingFrom = (BigInt(previous.number) + 1n).toString().padStart(number.length, '0');
    const missingTo = (value - 1n).toString().padStart(number.length, '0');
    findings.push({
      ruleId: 'BG-NUM-02',
      severity: 'warning',
      path: NUMBER_PATH,
      message: `Invoice number ${number} leaves a gap in its series: the previous number issued is ${previous.number}, so ${missingFrom === missingTo ? missingFrom : `${missingFrom}…${missingTo}`} ${missingFrom === missingTo ? 'is' : 'are'} missing.`,
      messageBg: `Номер ${number} оставя пропуск в поредицата: предишният издаден номер е ${previous.number}, липсва${missingFrom === missingTo ? '' : 'т'} ${missingFrom === missingTo ? missingFrom : `${missingFrom}…${missingTo}`}.`,
    });
  }
  if (previous && previous.issueDate > issueDate) {
    findings.push({
      ruleId: 'BG-NUM-03',
      severity: 'fatal',
      path: NUMBER_PATH,
      message: `Invoice ${number} is dated ${issueDate}, earlier than the lower-numbered invoice ${previous.number} of ${previous.issueDate}; numbers and dates must increase together.`,
      messageBg: `Фактура ${number} е с дата ${issueDate}, по-ранна от фактурата с по-малък номер ${previous.number} от ${previous.issueDate}; номерата и датите трябва да нарастват заедно.`,
    });
  }
  if (next && next.issueDate < issueDate) {
    findings.push({
      ruleId: 'BG-NUM-03',
      severity: 'fatal',
      path: NUMBER_PATH,
      message: `Invoice ${number} is dated ${issueDate}, later than the higher-numbered invoice ${next.number} of ${next.issueDate}; numbers and dates must increase together.`,
      messageBg: `Фактура ${number} е с дата ${issueDate}, по-късна от фактурата с по-голям номер ${next.number} от ${next.issueDate}; номерата и датите трябва да нарастват заедно.`,
    });
  }
  return findings;
}
