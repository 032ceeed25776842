/** The longest text, in characters, of each thing staff write on an enquiry (desk and on-call link alike). */
export const CASEWORK_LIMITS = { note: 5000, response: 5000, reply: 1000, email: 20_000, reason: 500 } as const;
