import type { ColumnType, Selectable } from 'kysely';
import type { CallOutcome } from '../enquiries/enquiry.model.js';

/** The phone line's table (sql/20261129130000_voice.sql): one row per call to the press office number. */
export interface VoiceTables {
  voice_call: VoiceCallTable;
}

declare module '../db/schema.js' {
  interface Database extends VoiceTables {}
}

/** Where a call is: ringing the desk, at the out-of-hours menu, ringing the on-call officer, recording, or over. */
export type CallStage = 'desk' | 'menu' | 'connecting' | 'message' | 'done';

/** A call to the press office line, from Twilio's first webhook to its last. */
export interface VoiceCallTable {
  call_sid: string;
  /** E.164, or null when the caller withheld their number. */
  from_number: string | null;
  started_at: Date;
  out_of_hours: boolean;
  stage: CallStage;
  urgent: ColumnType<boolean, boolean | undefined, boolean>;
  enquiry_id: ColumnType<string | null, string | null | undefined, string | null>;
  dialled_number: ColumnType<string | null, string | null | undefined, string | null>;
  dialled_name: ColumnType<string | null, string | null | undefined, string | null>;
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  connected_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  outcome: ColumnType<CallOutcome | null, CallOutcome | null | undefined, CallOutcome | null>;
  recording_sid: ColumnType<string | null, string | null | undefined, string | null>;
  recording_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  transcription: ColumnType<string | null, string | null | undefined, string | null>;
  recording_deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  ended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}
/** A call as stored. */
export type VoiceCall = Selectable<VoiceCallTable>;
