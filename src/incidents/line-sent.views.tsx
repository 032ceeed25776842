// The mark an enquiry carries once its journalist had an incident's line (the queue and the incident page).

/** "Holding line sent" under an enquiry's status, when its journalist had an incident's line. */
export function LineSentMarker(props: { at: Date | null; when: (d: Date) => string }) {
  return props.at ? (
    <div class="hint line-sent">
      Holding line sent <time datetime={props.at.toISOString()}>{props.when(props.at)}</time>
    </div>
  ) : null;
}
