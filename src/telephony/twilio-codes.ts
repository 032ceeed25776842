// Twilio's error codes that Press Desk acts on; a leaf, so that sms/ and the gateway can share them.

/** Twilio's error code for a text to a number that opted out ("Attempt to send to unsubscribed recipient"). */
export const TWILIO_UNSUBSCRIBED = 21610;
