/** Where to go after logging in: only a path inside the portal, never another site ("//evil.example", "https://…"). */
export function safeReturnUrl(returnUrl: string | null | undefined, fallback = '/invoices'): string {
  if (!returnUrl || !returnUrl.startsWith('/') || returnUrl.startsWith('//') || returnUrl.startsWith('/\\')) {
    return fallback;
  }
  return returnUrl;
}
