// Server-rendered key/value table of INFO fields, optionally limited to some sections or names.
import { flatten } from '../../lib/flatten';
import { MnemoHttpError } from '../../lib/mnemo-client';
import { serverClient } from '../../lib/server-client';

interface InfoTableProps {
  title: string;
  /** Keep fields whose flattened name contains one of these (case-insensitive); all if omitted. */
  match?: string[];
  testId?: string;
}

export async function InfoTable({ title, match, testId }: InfoTableProps) {
  let rows: Array<[string, string]>;
  try {
    rows = flatten(await (await serverClient()).info());
  } catch (error) {
    const message = error instanceof MnemoHttpError ? `${error.code}: ${error.message}` : String(error);
    return (
      <div className="panel" data-testid={testId}>
        <h2>{title}</h2>
        <p className="notice error">Could not read server info ({message}).</p>
      </div>
    );
  }
  const needles = match?.map((m) => m.toLowerCase());
  const shown = needles ? rows.filter(([name]) => needles.some((needle) => name.toLowerCase().includes(needle))) : rows;
  return (
    <div className="panel" data-testid={testId}>
      <h2>{title}</h2>
      <div className="table-wrap">
        <table>
          <tbody>
            {shown.map(([name, value]) => (
              <tr key={name}>
                <td className="mono">{name}</td>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 ? <p className="muted">No matching fields.</p> : null}
    </div>
  );
}
