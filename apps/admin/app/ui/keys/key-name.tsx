// A key's name as text, with its control characters made visible: "nul\x00key" shows as
// nul\x00key with the escape styled apart, so it cannot pass for a key named "nulkey".
import { Fragment } from 'react';

// eslint-disable-next-line no-control-regex -- control characters are exactly what is split on
const CONTROL = /([\x00-\x1f\x7f])/;

export function KeyName({ text }: { text: string }) {
  const parts = text.split(CONTROL);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <span key={index} className="ctl" title={`control byte 0x${part.charCodeAt(0).toString(16).padStart(2, '0')}`}>
            {`\\x${part.charCodeAt(0).toString(16).padStart(2, '0')}`}
          </span>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}
