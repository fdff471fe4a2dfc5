import { DjustException } from '../errors/djust.exception.js';

/**
 * The auth and permission wire errors, built in one place so every check (and
 * both transports) answers with the same bodies. None of them names a
 * permission, an auth class or an underlying error.
 */

/** 401: no auth class accepted the caller, or the view requires a login. */
export function unauthenticatedError(): DjustException {
  return new DjustException(
    'unauthenticated',
    { auth: ['Authentication credentials were not provided or are invalid.'] },
    'Authentication required.',
  );
}

/** 403: the caller lacks a required permission, or one of the app's guards refused. */
export function permissionDeniedError(): DjustException {
  return new DjustException(
    'permission_denied',
    { permission: ['You do not have permission to perform this action.'] },
    'Permission denied.',
  );
}

/** 403: the CSRF check failed, with the reason in `details.csrf`. */
export function csrfFailedError(reason: string): DjustException {
  return new DjustException('permission_denied', { csrf: [reason] }, 'CSRF check failed.');
}
