/**
 * Server-rendered SVG charts: plain markup, no script, no external library or CDN. Each chart
 * has a text title for assistive technology and its numbers in a table beside it.
 */

export interface Datum {
  label: string;
  value: number;
}

// Room around the plot for axis labels at the larger size a phone's stylesheet gives them (the
// drawing scales down to the screen's width, so its text is drawn bigger there to stay readable).
const W = 720;
const H = 240;
const PAD_L = 72;
const PAD_B = 64;
const PAD_T = 12;
/** Categories this few get every label, a long one on two lines; more are labelled every so often. */
const FEW = 6;

/** A label on one line, or a long one of several words split at its middle space onto two. */
function labelLines(label: string): string[] {
  const spaces = [...label.matchAll(/ /g)].map((m) => m.index);
  if (label.length <= 8 || !spaces.length) return [label];
  const middle = spaces.reduce((best, i) =>
    Math.abs(i - label.length / 2) < Math.abs(best - label.length / 2) ? i : best,
  );
  return [label.slice(0, middle), label.slice(middle + 1)];
}

function niceMax(max: number): number {
  if (max <= 5) return Math.max(1, max);
  const mag = 10 ** Math.floor(Math.log10(max));
  const steps = [1, 2, 2.5, 5, 10];
  for (const s of steps) if (s * mag >= max) return s * mag;
  return 10 * mag;
}

/** A bar chart (or, with `line`, a line chart) of `data`, with a data table for screen readers. */
export function Chart(props: {
  id: string;
  title: string;
  data: Datum[];
  unit: string;
  line?: boolean;
  labelEvery?: number;
}) {
  const max = niceMax(Math.max(0, ...props.data.map((d) => d.value)));
  const n = Math.max(1, props.data.length);
  const innerW = W - PAD_L - 8;
  const innerH = H - PAD_B - PAD_T;
  const step = innerW / n;
  const y = (v: number) => PAD_T + innerH - (v / max) * innerH;
  const every = props.labelEvery ?? Math.max(1, Math.ceil(n / 14));
  const points = props.data
    .map((d, i) => `${(PAD_L + step * i + step / 2).toFixed(1)},${y(d.value).toFixed(1)}`)
    .join(' ');
  return (
    <figure class="chart" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`}>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${props.id}-title`} focusable="false">
        <title>{props.title}</title>
        <line x1={PAD_L} y1={PAD_T + innerH} x2={W - 8} y2={PAD_T + innerH} stroke="#0b0c0c" />
        {[0, 0.5, 1].map((f) => (
          <>
            <line x1={PAD_L} y1={y(max * f)} x2={W - 8} y2={y(max * f)} stroke="#b1b4b6" stroke-dasharray="3 3" />
            <text
              x={PAD_L - 8}
              y={y(max * f)}
              dominant-baseline="middle"
              text-anchor="end"
              font-size="12"
              fill="#0b0c0c"
            >
              {String(Math.round(max * f * 10) / 10)}
            </text>
          </>
        ))}
        {props.line ? (
          <polyline points={points} fill="none" stroke="#1d70b8" stroke-width="3" />
        ) : (
          props.data.map((d, i) => (
            <rect
              x={(PAD_L + step * i + step * 0.15).toFixed(1)}
              y={y(d.value).toFixed(1)}
              width={(step * 0.7).toFixed(1)}
              height={(PAD_T + innerH - y(d.value)).toFixed(1)}
              fill="#1d70b8"
            >
              <title>{`${d.label}: ${d.value} ${props.unit}`}</title>
            </rect>
          ))
        )}
        {props.data.map((d, i) => {
          if (i % every !== 0) return null;
          // On a phone every other label is left out (class tick--minor), so the larger text fits.
          const minor = n > FEW && i % (every * 2) !== 0;
          const x = (PAD_L + step * i + step / 2).toFixed(1);
          const lines = n > FEW ? [d.label] : labelLines(d.label);
          return (
            <text
              class={minor ? 'tick tick--minor' : 'tick'}
              x={x}
              y={PAD_T + innerH + 8}
              dominant-baseline="hanging"
              text-anchor="middle"
              font-size="12"
              fill="#0b0c0c"
            >
              {lines.map((line, j) => (
                <tspan x={x} dy={j ? '1.2em' : undefined}>
                  {line}
                </tspan>
              ))}
            </text>
          );
        })}
      </svg>
      <details>
        <summary>Show the numbers</summary>
        <table>
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.line ? 'Day' : 'Bucket'}</th>
              <th scope="col">{props.unit}</th>
            </tr>
          </thead>
          <tbody>
            {props.data.map((d) => (
              <tr>
                <th scope="row">{d.label}</th>
                <td>{d.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
