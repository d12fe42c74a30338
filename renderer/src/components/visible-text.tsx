import { Fragment } from 'react';
import { visibleParts } from '../../../protocol/visible-text';

/**
 * Text from the system (a segment's name, a process name, a reason that quotes them)
 * as it may safely be read: control, bidi, invisible characters and undecodable bytes
 * as marked escapes (protocol/visible-text.ts), so that no name passes for another.
 * Without it a browser reverses the text after a U+202E and shows a newline as a space.
 * <bdi dir="ltr"> keeps right-to-left letters in a name from reordering what is around it.
 */
export function VisibleText({
  text,
  name = false,
}: {
  text: string;
  /** A whole name: edge spaces show too. */
  name?: boolean;
}) {
  return (
    <bdi dir="ltr" className="visible-text">
      {visibleParts(text, { name }).map((part, index) =>
        part.escaped ? (
          <span key={index} className="visible-text__escape">
            {part.text}
          </span>
        ) : (
          <Fragment key={index}>{part.text}</Fragment>
        ),
      )}
    </bdi>
  );
}
