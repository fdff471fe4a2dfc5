import { ORDER_PERMISSIONS } from '../orders/order.model.js';

/** A demo account created on first start. */
export interface DemoAccount {
  readonly username: string;
  /** `null`: the account cannot log in with a password (token only). */
  readonly password: string | null;
  /** `null`: no API token. */
  readonly apiToken: string | null;
  readonly permissions: readonly string[];
}

/**
 * The fixed bearer token of the `fulfillment-bot` service account, printed at
 * startup. Only its SHA-256 is stored in the database.
 */
export const DEMO_API_TOKEN = 'djust-demo-token';

/**
 * The accounts seeded on first start: `admin` may change orders (ship, refund),
 * `viewer` may only look at them, `fulfillment-bot` is a server-to-server
 * caller with a bearer token.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'admin', password: 'admin', apiToken: null, permissions: [ORDER_PERMISSIONS.view, ORDER_PERMISSIONS.change] },
  { username: 'viewer', password: 'viewer', apiToken: null, permissions: [ORDER_PERMISSIONS.view] },
  { username: 'fulfillment-bot', password: null, apiToken: DEMO_API_TOKEN, permissions: [ORDER_PERMISSIONS.view, ORDER_PERMISSIONS.change] },
];
