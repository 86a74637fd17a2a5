export {
  startSimulatedEpay,
  type SimulatedEpay,
  type SimulatedEpayOptions,
  type SimulatedPayment,
} from './server';
export {
  DEFAULT_RETRY_DELAYS_MS,
  type SentNotification,
  type SimulatedMerchant,
  type TestSwitches,
} from './delivery';
