// Twilio's error codes that Press Desk acts on; a leaf, so that sms/ and the gateway can share them.

/** Twilio's error code for a text to a number that opted out ("Attempt to send to unsubscribed recipient"). */
export const TWILIO_UNSUBSCRIBED = 21610;

/** Twilio's error code for credentials it does not take (HTTP 401, "Authenticate"). */
export const TWILIO_AUTHENTICATE = 20003;

/** Twilio's error codes for an account that is suspended or closed ("Account is not active", "Account not active"). */
export const TWILIO_ACCOUNT_INACTIVE: readonly number[] = [10001, 20005];

/**
 * Twilio's error codes for a sender it refuses for every message: the press office number is not
 * a valid sender of this account (21212 invalid From, 21606 not message-capable, 21659 not a
 * Twilio number, 21660 of another account, 21210 caller ID not verified).
 */
export const TWILIO_BAD_SENDER: readonly number[] = [21210, 21212, 21606, 21659, 21660];
