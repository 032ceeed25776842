// The audit log's vocabulary: every action Press Desk writes, and what it means for people.
// `audit()` takes only an AuditAction, and the label table must name each one (satisfies), so a new
// action cannot reach the audit page as a raw code.

/** Every action written to the audit log. */
export type AuditAction =
  | 'login'
  | 'logout'
  | 'login.locked'
  | 'second_factor.added'
  | 'second_factor.removed'
  | 'second_factor.reset'
  | 'second_factor.recovery_used'
  | 'second_factor.recovery_regenerated'
  | 'second_factor.failed'
  | 'login.failed'
  | 'session.ended'
  | 'user.created'
  | 'user.provisioned'
  | 'user.role_from_claim'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.password_reset'
  | 'user.updated'
  | 'user.password_changed'
  | 'user.password_change_refused'
  | 'rota.shift_added'
  | 'rota.override_added'
  | 'rota.shift_updated'
  | 'rota.shift_deleted'
  | 'rota.person_added'
  | 'rota.phone_changed'
  | 'rota.person_deactivated'
  | 'rota.test_page_queued'
  | 'rota.verification_sent'
  | 'rota.phone_verified'
  | 'rota.rotation_saved'
  | 'rota.rotation_deleted'
  | 'rota.feed_created'
  | 'rota.feed_revoked'
  | 'rota.cover_requested'
  | 'rota.cover_cancelled'
  | 'rota.cover_accepted'
  | 'enquiry.assigned'
  | 'enquiry.status_changed'
  | 'enquiry.note_added'
  | 'enquiry.response_recorded'
  | 'enquiry.reply_sent'
  | 'enquiry.email_sent'
  | 'oncall.viewed'
  | 'oncall.list_viewed'
  | 'question.asked'
  | 'question.withdrawn'
  | 'question.closed'
  | 'statement.signoff_requested'
  | 'statement.signoff_overridden'
  | 'oncall.call'
  | 'enquiry.upgraded'
  | 'enquiry.downgraded'
  | 'page.acknowledged'
  | 'enquiry.response_released'
  | 'enquiry.response_withdrawn'
  | 'incident.declared'
  | 'incident.edited'
  | 'incident.approver_set'
  | 'incident.linked'
  | 'incident.unlinked'
  | 'incident.closed'
  | 'incident.line_added'
  | 'incident.line_sent'
  | 'colleague.added'
  | 'colleague.updated'
  | 'colleague.deactivated'
  | 'colleague.reactivated'
  | 'colleague.erased'
  | 'colleague.exported'
  | 'journalist.exported'
  | 'journalist.erased'
  | 'journalist.record_added'
  | 'journalist.record_changed'
  | 'journalist.note_added'
  | 'journalist.record_erased'
  | 'outlet.added'
  | 'outlet.changed'
  | 'outlet.spelling_merged'
  | 'retention.erased'
  | 'topic.added'
  | 'topic.edited'
  | 'topic.archived'
  | 'topic.unarchived'
  | 'enquiry.topics_changed'
  | 'enquiry.merged'
  | 'enquiry.merge_undone'
  | 'enquiry.split'
  | 'statement.signed_off_as_line'
  | 'line.added'
  | 'line.edited'
  | 'line.superseded'
  | 'line.withdrawn'
  | 'template.added'
  | 'template.edited'
  | 'template.archived';

/** What each action means, for people; in this order in the audit page's action filter. */
export const ACTION_LABEL = {
  login: 'Signed in',
  logout: 'Signed out',
  'login.locked': 'Locked sign-in to an account after wrong passwords from many addresses',
  'second_factor.added': 'Added a second factor (an authenticator app or a passkey) to their account',
  'second_factor.removed': 'Removed a second factor from their account',
  'second_factor.reset': 'Reset someone’s second factor (they were signed out)',
  'second_factor.recovery_used': 'Signed in with a recovery code',
  'second_factor.recovery_regenerated': 'Made new recovery codes (the old ones stopped working)',
  'second_factor.failed': 'Gave a wrong second factor when signing in',
  'login.failed': 'Failed to sign in (wrong password, disabled or unknown account)',
  'session.ended': 'Signed out one of their sessions, or everywhere else',
  'user.created': 'Added a user',
  'user.provisioned': "Account created at its first sign-in through the organisation's identity provider",
  'user.role_from_claim': "Role changed by the organisation's identity provider (the role claim at sign-in)",
  'user.disabled': 'Disabled a user',
  'user.enabled': 'Enabled a user',
  'user.password_reset': 'Set a new password',
  'user.updated': 'Changed a user',
  'user.password_changed': 'Changed their own password',
  'user.password_change_refused': 'Gave a wrong current password when changing their own',
  'rota.shift_added': 'Added a shift',
  'rota.override_added': 'Added an override',
  'rota.shift_updated': 'Changed a shift',
  'rota.shift_deleted': 'Deleted a shift',
  'rota.person_added': 'Added a person to the rota staff list',
  'rota.verification_sent': 'Sent a code to verify a rota number',
  'rota.phone_verified': 'Verified a rota number',
  'rota.phone_changed': 'Changed a phone number on the rota',
  'rota.person_deactivated': 'Took a person off the rota',
  'rota.test_page_queued': 'Sent a test page',
  'rota.rotation_saved': 'Added or changed a repeating rotation',
  'rota.rotation_deleted': 'Deleted a repeating rotation',
  'rota.feed_created': 'Made a calendar feed of the rota (a person’s own, or the whole rota)',
  'rota.feed_revoked': 'Revoked a calendar feed of the rota',
  'rota.cover_requested': 'Asked colleagues to cover an on-call shift',
  'rota.cover_cancelled': 'Withdrew a request for cover of an on-call shift',
  'rota.cover_accepted': 'Took over an on-call shift by accepting a cover request',
  'enquiry.assigned': 'Assigned an enquiry',
  'enquiry.status_changed': 'Changed an enquiry’s status',
  'enquiry.note_added': 'Added a note',
  'enquiry.response_recorded': 'Recorded the response given',
  'enquiry.reply_sent': 'Replied to the journalist by SMS',
  'enquiry.email_sent': 'Replied to the journalist by email',
  'oncall.viewed': 'Looked at an enquiry from the on-call phone',
  'oncall.list_viewed': 'Opened the list of a bundled page text from the on-call phone',
  'question.asked': 'Asked colleagues outside the desk a question about an enquiry',
  'question.withdrawn': 'Withdrew a question to colleagues',
  'question.closed': 'Stopped waiting on a question to colleagues (answered another way)',
  'statement.signoff_requested': 'Sent a response for sign-off',
  'statement.signoff_overridden': 'Released a response or sent a reply without the sign-off it needed (with a reason)',
  'oncall.call': 'Asked to be put through to the journalist from the on-call phone',
  'enquiry.upgraded': 'Marked an enquiry urgent',
  'enquiry.downgraded': 'Marked an enquiry not urgent',
  'page.acknowledged': 'Acknowledged an on-call page',
  'enquiry.response_released': 'Showed the response on the journalist’s status page',
  'enquiry.response_withdrawn': 'Took the response off the journalist’s status page',
  'incident.declared': 'Declared an incident',
  'incident.edited': 'Changed an incident’s name or search terms',
  'incident.approver_set': 'Named who signs off an incident’s lines and responses',
  'incident.linked': 'Linked enquiries to an incident',
  'incident.unlinked': 'Took an enquiry out of an incident',
  'incident.closed': 'Closed an incident',
  'incident.line_added': 'Added a holding or press line to an incident',
  'incident.line_sent': 'Sent an incident’s line to journalists',
  'colleague.added': 'Added a colleague to the directory',
  'colleague.updated': 'Changed a colleague in the directory',
  'colleague.deactivated': 'Deactivated a colleague in the directory',
  'colleague.reactivated': 'Reactivated a colleague in the directory',
  'colleague.erased': 'Erased a colleague from the directory',
  'colleague.exported': 'Exported a colleague’s personal data',
  'journalist.exported': 'Exported a journalist’s personal data',
  'journalist.erased': 'Erased a journalist’s personal data on request',
  'journalist.record_added': 'Added a journalist’s record',
  'journalist.record_changed': 'Changed a journalist’s record (contacts, outlets, press card or flags)',
  'journalist.note_added': 'Added a staff note to a journalist’s record',
  'journalist.record_erased': 'Erased a journalist’s record and every enquiry’s copy of their data',
  'outlet.added': 'Added an outlet',
  'outlet.changed': 'Changed an outlet (its name, type or area)',
  'outlet.spelling_merged': 'Matched a spelling of an outlet to it',
  'retention.erased': 'Erased personal data past the retention period',
  'topic.added': 'Added a topic',
  'topic.edited': 'Changed a topic (its name, terms or rules)',
  'topic.archived': 'Archived a topic',
  'topic.unarchived': 'Brought back an archived topic',
  'enquiry.topics_changed': 'Changed an enquiry’s topics',
  'enquiry.merged': 'Merged an enquiry into another (its messages, timeline and questions moved)',
  'enquiry.merge_undone': 'Undid a merge of two enquiries',
  'enquiry.split': 'Split a new question out of an enquiry into its own enquiry',
  'statement.signed_off_as_line': 'Sent a current library line unchanged where sign-off was needed (signed off)',
  'line.added': 'Added a line to take to the library',
  'line.edited': 'Changed a line to take (its words, when already used, as a new line)',
  'line.superseded': 'Replaced a line to take with a new one',
  'line.withdrawn': 'Withdrew a line to take (with a reason)',
  'template.added': 'Added a reply template',
  'template.edited': 'Changed a reply template',
  'template.archived': 'Archived a reply template',
} as const satisfies Record<AuditAction, string>;

/** Label of an audit action for people; a code not in the table (an old entry) shows as itself. */
export function actionLabel(action: string): string {
  return (ACTION_LABEL as Record<string, string>)[action] ?? action;
}
