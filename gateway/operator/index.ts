/** The operator console's API (stuck invoices, failures and their retries, volumes), for `operator` accounts. */
export { createOperatorRoutes } from './routes';
