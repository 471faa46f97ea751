// A key's name as text, with the characters that would hide what it is made visible: control
// characters (C0, DEL, C1 such as U+0085), format characters (zero-width U+200B, the byte-order
// mark U+FEFF, bidi overrides such as U+202E, which reverses the text after it) and line or
// paragraph separators. "nul\x00key" shows as nul\x00key and "spoof:\u200badmin" as
// spoof:\u200badmin, with the escape styled apart, so neither can pass for another key's name.
import { Fragment } from 'react';

const HIDDEN = /([\p{Cc}\p{Cf}\p{Zl}\p{Zp}])/u;

/** The escape shown for a hidden character: \xNN below U+0100, \uNNNN above. */
function escapeHidden(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function KeyName({ text }: { text: string }) {
  const parts = text.split(HIDDEN);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <span key={index} className="ctl" title={`hidden character U+${(part.codePointAt(0) ?? 0).toString(16).padStart(4, '0').toUpperCase()}`}>
            {escapeHidden(part)}
          </span>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}
