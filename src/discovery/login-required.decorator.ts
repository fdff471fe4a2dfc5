import { LOGIN_REQUIRED_METADATA } from '../djust.constants.js';

/**
 * Requires an authenticated caller for the whole view (mount and every handler).
 * Anonymous callers get 401 on both transports.
 */
export function LoginRequired(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(LOGIN_REQUIRED_METADATA, true, target);
  };
}
