// Shows a value exactly as stored: strings as text (or hex when not UTF-8 or with control bytes),
// hashes as a field table shown the same way (see lib/key-bytes.ts).
// Big values are shown in part (mnemo-client.ts: MAX_SHOWN_VALUE_BYTES, MAX_SHOWN_FIELDS), with
// a note saying how much is left out; redis-cli or GET /v1/keys reads them whole.
import { formatBytes, formatNumber } from '../../lib/format';
import type { ShownBytes } from '../../lib/key-bytes';
import type { KeyValue } from '../../lib/mnemo-client';

function Shown({ bytes }: { bytes: ShownBytes }) {
  return (
    <>
      {bytes.text}
      {bytes.omitted > 0 ? <span className="muted"> … {formatBytes(bytes.omitted)} more</span> : null}
      {bytes.hex ? <span className="muted"> (hex)</span> : null}
    </>
  );
}

export function ValueViewer({ value }: { value: KeyValue }) {
  if (value.type === 'hash' && value.fields) {
    return (
      <>
        {value.fieldCount > value.fields.length ? (
          <div className="muted" data-testid="partial-note">
            showing {formatNumber(value.fields.length)} of {formatNumber(value.fieldCount)} fields (HSCAN or HGETALL in redis-cli reads them all)
          </div>
        ) : null}
        <HashFields fields={value.fields} />
      </>
    );
  }
  const shown = value.value ?? { text: '', hex: false, omitted: 0 };
  return (
    <>
      {shown.hex ? (
        <div className="muted" data-testid="binary-note">
          binary (not UTF-8 text, or with control bytes): each byte as stored, in hex
        </div>
      ) : null}
      {shown.omitted > 0 ? (
        <div className="muted" data-testid="partial-note">
          showing the first part of the value only: {formatBytes(shown.omitted)} more are left out (GET in redis-cli reads it whole)
        </div>
      ) : null}
      <pre className="value-box mono" data-testid="value">
        {shown.text}
      </pre>
    </>
  );
}

function HashFields({ fields }: { fields: Array<[ShownBytes, ShownBytes]> }) {
  return (
    <table data-testid="hash-fields">
      <thead>
        <tr>
          <th>Field</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {fields.map(([field, fieldValue], index) => (
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
