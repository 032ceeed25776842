/**
 * The receipt cookie of a form submission's 303, as the browser would send it back to the
 * confirmation page (`pd_receipt=…`), or '' when the answer set none.
 */
export function receiptCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('pd_receipt='));
  return line ? line.split(';')[0] : '';
}
