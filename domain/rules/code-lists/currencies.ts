/**
 * ISO 4217 alpha-3 currency codes, as the CEN EN 16931 validation artefacts 1.3.16 list them (BR-CL-03,
 * BR-CL-04, BR-CL-05). The list follows ISO 4217 amendments up to the artefacts' release: BGN is not in it
 * (withdrawn with Bulgaria's adoption of the euro on 2026-01-01, as HRK was with Croatia's), so the artefacts
 * refuse leva at any invoice date, and so does the hub: an invoice in BGN dated before 2026 fails BR-CL-04 even
 * though Bulgarian rules (BG-06) ask for leva then.
 */
import { codeSet } from './code-set';

/** ISO 4217 currency codes (178), CEN EN 16931 validation artefacts 1.3.16. */
export const CURRENCY_CODES = codeSet(`
  AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF
  CHE CHF CHW CLF CLP CNH CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
  GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD
  KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK
  NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
  STD SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VES VED VND VUV WST
  XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
`);

export const isCurrencyCode = (code: string): boolean => CURRENCY_CODES.has(code);
