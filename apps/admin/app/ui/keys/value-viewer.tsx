// Shows a value: strings as text (or hex when binary), hashes as a field table.
import { looksBinary, toHex } from '../../lib/format';
import type { KeyValue } from '../../lib/mnemo-client';

export function ValueViewer({ value }: { value: KeyValue }) {
  if (value.type === 'hash' && value.fields) {
    const fields = Object.entries(value.fields);
    return (
      <table data-testid="hash-fields">
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {fields.map(([field, text]) => (
            <tr key={field}>
              <td className="mono">{field}</td>
              <td className="mono">{looksBinary(text) ? toHex(text) : text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const text = value.value ?? '';
  const binary = looksBinary(text);
  return (
    <>
      {binary ? <div className="muted">binary, shown as hex</div> : null}
      <pre className="value-box mono" data-testid="value">{binary ? toHex(text) : text}</pre>
    </>
  );
}
