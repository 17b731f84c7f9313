/**
 * The lab's enrollment invitation arrives as a link to the workstation with
 * the code in the URL fragment (`#invite=CODE`, docs/OPERATIONS.md §Choosing
 * how devices are approved). A browser never sends the fragment to any
 * server, so neither the gatekeeper's access logs nor the vendor see it. The
 * app takes it once, at start-up, and removes it from the address bar and the
 * tab's history entry so it is not left for the next person at the desk; it is
 * kept in memory only until redeemed. A person given the code to type enters
 * it at sign-in instead.
 */
/** A code as the lab issues it (SPEC §2.3): 32 bytes in base64url, 43 characters. */
export const INVITATION_CODE = /^[A-Za-z0-9_-]{43}$/;
const INVITE = /^#invite=([A-Za-z0-9_-]{43})$/;

export function takeInvitation(): string | undefined {
  const match = INVITE.exec(location.hash);
  if (location.hash.startsWith('#invite=')) history.replaceState(history.state, '', location.pathname + location.search);
  return match?.[1];
}
