export { createEpayProvider, EPAY_PROVIDER, type EpayMerchant } from './provider';
export { EPAY_DEMO_PAGE_URL, EPAY_PAGE_URL, type EpayPage } from './protocol';
