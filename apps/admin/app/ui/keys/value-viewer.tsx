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
              <td className="mono">
                {looksBinary(text) ? toHex(text) : text}
                {text.includes('\ufffd') ? <span className="muted"> (not UTF-8: &quot;ef bf bd&quot; stands for bytes the dashboard cannot show)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const text = value.value ?? '';
  const binary = looksBinary(text);
  // The HTTP API sends values as text: bytes that are not UTF-8 arrive as U+FFFD, whose own bytes
  // (ef bf bd) would read as stored bytes if not said.
  const lossy = text.includes('\ufffd');
  return (
    <>
      {binary ? (
        <div className="muted" data-testid="binary-note">
          binary, shown as hex
          {lossy ? '; bytes that are not UTF-8 reach the dashboard as U+FFFD and show as "ef bf bd", not as stored: redis-cli GET shows them exactly' : ''}
        </div>
      ) : null}
      <pre className="value-box mono" data-testid="value">{binary ? toHex(text) : text}</pre>
    </>
  );
}
