// Shows a value exactly as stored: strings as text (or hex when not UTF-8 or with control bytes),
// hashes as a field table shown the same way (see lib/key-bytes.ts).
import type { ShownBytes } from '../../lib/key-bytes';
import type { KeyValue } from '../../lib/mnemo-client';

function Shown({ bytes }: { bytes: ShownBytes }) {
  return bytes.hex ? (
    <>
      {bytes.text} <span className="muted">(hex)</span>
    </>
  ) : (
    <>{bytes.text}</>
  );
}

export function ValueViewer({ value }: { value: KeyValue }) {
  if (value.type === 'hash' && value.fields) {
    return (
      <table data-testid="hash-fields">
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {value.fields.map(([field, fieldValue], index) => (
            <tr key={index}>
              <td className="mono">
                <Shown bytes={field} />
              </td>
              <td className="mono">
                <Shown bytes={fieldValue} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const shown = value.value ?? { text: '', hex: false };
  return (
    <>
      {shown.hex ? (
        <div className="muted" data-testid="binary-note">
          binary (not UTF-8 text, or with control bytes): each byte as stored, in hex
        </div>
      ) : null}
      <pre className="value-box mono" data-testid="value">
        {shown.text}
      </pre>
    </>
  );
}
