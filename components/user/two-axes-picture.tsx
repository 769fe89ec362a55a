"use client";

// A small picture of the user's history on both time axes: recorded time across, effective time up,
// a mark per event. Events effective when recorded lie on the diagonal; a backdated one lies below
// it, by as much as it was backdated. In time mode, the point shown is a cross: as known on (across),
// effective (up).
import { memo, useId, useMemo } from "react";
import { describeEvent, type History } from "./history";
import { axesGeometry, durationText, type TwoAxes } from "./two-axes";

/** Beyond this many events the picture draws only the backdated ones: the others lie on the diagonal. */
const markedEventsLimit = 300;

export const TwoAxesPicture = memo(function TwoAxesPicture({
  history,
  axes,
  end,
  cross,
}: {
  history: History;
  axes: TwoAxes;
  /** The right and top end of both axes: the page's opening (or the last event). */
  end: number;
  /** The point shown in time mode: as known on (recorded) and effective instants; null in version mode. */
  cross: { known: number; effective: number } | null;
}) {
  const id = useId();
  const start = history.times[0] ?? end;
  const geometry = useMemo(() => axesGeometry({ history, axes, start, end }), [history, axes, start, end]);
  const backdated = geometry.marks.filter((mark) => mark.backdated);
  const shown = history.events.length <= markedEventsLimit ? geometry.marks : backdated;
  const description = useMemo(() => describeBackdating(history, axes), [history, axes]);
  const { plot } = geometry;
  return (
    <section
      aria-labelledby={`${id}-title`}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm [contain:content]"
    >
      <h2 id={`${id}-title`} className="font-semibold">
        Two time axes
      </h2>
      <p className="mt-1 text-xs text-slate-600">
        Recorded time across, effective time up: an event on the diagonal took effect when it was recorded; one below it
        was backdated, by the drop.
      </p>
      <svg
        role="img"
        aria-labelledby={`${id}-svg-title`}
        aria-describedby={`${id}-svg-desc`}
        viewBox={`0 0 ${geometry.width} ${geometry.height}`}
        className="mt-2 w-full max-w-md"
        data-testid="two-axes-picture"
      >
        <title id={`${id}-svg-title`}>Events by recorded and effective time</title>
        <desc id={`${id}-svg-desc`}>{description}</desc>
        <line x1={plot.left} y1={plot.bottom} x2={plot.right} y2={plot.bottom} className="stroke-slate-400" />
        <line x1={plot.left} y1={plot.bottom} x2={plot.left} y2={plot.top} className="stroke-slate-400" />
        <line {...geometry.diagonal} className="stroke-slate-300" strokeDasharray="3 3" />
        <text x={plot.right} y={geometry.height - 6} textAnchor="end" className="fill-slate-600 text-[10px]">
          recorded →
        </text>
        <text
          x={10}
          y={plot.bottom}
          transform={`rotate(-90 10 ${plot.bottom})`}
          className="fill-slate-600 text-[10px]"
          textAnchor="start"
        >
          effective →
        </text>
        {cross && (
          <g data-testid="two-axes-cross" className="stroke-indigo-500">
            <line x1={geometry.x(cross.known)} y1={plot.top} x2={geometry.x(cross.known)} y2={plot.bottom} />
            <line x1={plot.left} y1={geometry.y(cross.effective)} x2={plot.right} y2={geometry.y(cross.effective)} />
          </g>
        )}
        {shown.map((mark) =>
          mark.backdated ? (
            <g key={mark.version} data-testid="backdated-mark" data-version={mark.version}>
              <line x1={mark.x} y1={mark.diagonalY} x2={mark.x} y2={mark.y} className="stroke-amber-600" />
              <circle cx={mark.x} cy={mark.y} r={3.5} className="fill-amber-500 stroke-amber-800" />
            </g>
          ) : (
            <circle key={mark.version} cx={mark.x} cy={mark.y} r={2.5} className="fill-slate-500" />
          ),
        )}
      </svg>
    </section>
  );
});

/** What the picture shows, in words: how many events, and each backdated one with how far back (the first ten). */
function describeBackdating(history: History, axes: TwoAxes): string {
  const count = history.events.length;
  const backdated = history.events
    .map((event, index) => ({ event, index }))
    .filter(({ index }) => axes.backdated[index]);
  if (backdated.length === 0) return `${count} events, each effective when it was recorded.`;
  const listed = backdated.slice(0, 10).map(({ event, index }) => {
    const by = durationText(history.times[index]! - axes.effectiveTimes[index]!);
    return `version ${event.version} (${describeEvent(event).title}) took effect ${by} before it was recorded, on ${utcMinute(axes.effectiveTimes[index]!)}`;
  });
  const more = backdated.length > listed.length ? `; and ${backdated.length - listed.length} more` : "";
  return `${count} events, ${backdated.length} backdated: ${listed.join("; ")}${more}.`;
}

// UTC, so that the server's text and the browser's agree when the page hydrates.
const utcMinute = (time: number) => `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
