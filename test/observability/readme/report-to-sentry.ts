import * as Sentry from '@sentry/node';
import type { DjustOnErrorFn } from 'nestjs-djust';

/** `DjustModule.forRoot({ onError: reportToSentry })`: every 5xx of a view goes to Sentry, tagged with its call. */
export const reportToSentry: DjustOnErrorFn = (error, { view, handler, transport, user, requestId }) => {
  Sentry.withScope((scope) => {
    scope.setTags({ 'djust.view': view ?? 'unknown', 'djust.handler': handler ?? 'unknown', 'djust.transport': transport, request_id: requestId });
    const id = (user as { id?: string | number } | null)?.id;
    if (id !== undefined) scope.setUser({ id: String(id) });
    Sentry.captureException(error);
  });
};
