/**
 * The office's time zone as a luxon zone that remembers its offsets (issue 32). luxon asks Intl
 * for a zone's offset every time a DateTime is made in or moved to that zone (about 10–20 µs
 * each), and intake made several per enquiry (saying the respond-by time and the next opening,
 * reading the deadline). An offset is the same for every instant of a UTC minute once zones keep
 * whole-minute offsets and change on whole minutes, as all have since 1980, so offsets from then
 * on are remembered per minute; earlier instants are asked every time, as before.
 */
import { IANAZone } from 'luxon';

/** From here on every zone's offsets and transitions fall on whole minutes of UTC. */
const WHOLE_MINUTES_FROM = Date.UTC(1980, 0, 1);
/** Minutes remembered per zone before the memo starts again (bounded memory; a year is 525,600). */
const MEMO_LIMIT = 50_000;

class RememberingZone extends IANAZone {
  private readonly byMinute = new Map<number, number>();

  override offset(ts: number): number {
    if (!(ts >= WHOLE_MINUTES_FROM)) return super.offset(ts);
    const minute = Math.floor(ts / 60_000);
    let o = this.byMinute.get(minute);
    if (o === undefined) {
      if (this.byMinute.size >= MEMO_LIMIT) this.byMinute.clear();
      o = super.offset(ts);
      this.byMinute.set(minute, o);
    }
    return o;
  }
}

const zones = new Map<string, IANAZone>();

/**
 * The zone named `name` (an IANA name such as `Europe/London`), one instance per name, to pass to
 * luxon wherever the office zone is meant (`setZone`, `{ zone }`): it equals luxon's own zone of
 * that name and gives the same offsets, remembered.
 */
export function officeZone(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new RememberingZone(name);
    zones.set(name, zone);
  }
  return zone;
}
