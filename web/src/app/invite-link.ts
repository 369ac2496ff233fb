/**
 * Invite mails link to /invites/accept?token=… (a real path, so the link survives any mail client).
 * The token is a bearer secret: it leaves the address bar (and with it the history, the Referer
 * and any screenshot) the moment the page reads it, and waits in this tab's session storage,
 * which also carries it across a hosted sign-in round trip.
 */
const acceptPath = '/invites/accept';
const storageKey = 'acp.inviteToken';

/** The console's own route for accepting (a hash route: the site is static files on CloudFront). */
export const acceptRoute = '/invites/accept';

export function takeInviteTokenFromAddress(): void {
  if (window.location.pathname !== acceptPath) return;
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) return;
  sessionStorage.setItem(storageKey, token);
  window.history.replaceState(null, '', `/#${acceptRoute}`);
}

/** The invite this tab is accepting. */
export function pendingInviteToken(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function forgetInviteToken(): void {
  sessionStorage.removeItem(storageKey);
}
