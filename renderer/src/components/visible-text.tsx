import { Fragment, type CSSProperties } from 'react';
import { visibleParts, type VisiblePart } from '../../../protocol/visible-text';
import { monospaceWidth, splitTail } from './visible-tail';

function Parts({ parts }: { parts: readonly VisiblePart[] }) {
  return parts.map((part, index) =>
    part.escaped ? (
      <span key={index} className="visible-text__escape">
        {part.text}
      </span>
    ) : (
      <Fragment key={index}>{part.text}</Fragment>
    ),
  );
}

/**
 * Text from the system (a segment's name, a process name, a reason that quotes them)
 * as it may safely be read: control, bidi, invisible characters and undecodable bytes
 * as marked escapes (protocol/visible-text.ts), so that no name passes for another.
 * Without it a browser reverses the text after a U+202E and shows a newline as a space.
 * <bdi dir="ltr"> keeps right-to-left letters in a name from reordering what is around it.
 *
 * With `tail`, a narrow box cuts the text in the middle, never at its end: the last
 * `tail` characters always show, and the head before them ends with an ellipsis
 * (visible-tail.ts; table.css `.visible-text--tail`).
 */
export function VisibleText({
  text,
  name = false,
  tail,
}: {
  text: string;
  /** A whole name: edge spaces show too. */
  name?: boolean;
  /** How many characters at the end always show. */
  tail?: number;
}) {
  const parts = visibleParts(text, { name });
  if (tail === undefined) {
    return (
      <bdi dir="ltr" className="visible-text">
        <Parts parts={parts} />
      </bdi>
    );
  }
  const split = splitTail(parts, tail);
  // The tail's width in characters of the (monospace) name font: the head may take the rest.
  const tailChars = split.tail.reduce((sum, part) => sum + monospaceWidth(part.text), 0);
  return (
    <bdi dir="ltr" className="visible-text visible-text--tail" style={{ '--tail-chars': tailChars } as CSSProperties}>
      <span className="visible-text__head">
        <Parts parts={split.head} />
      </span>
      <span className="visible-text__tail">
        <Parts parts={split.tail} />
      </span>
    </bdi>
  );
}
