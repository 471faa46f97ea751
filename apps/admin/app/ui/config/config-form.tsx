'use client';
// Live configuration: each changed setting is sent as a `config:set` command and acked; an
// error ack is shown under the field it names, and the other settings still apply.

import { useRouter } from 'next/navigation';
import { FormEvent, useState } from 'react';
import { AdminCommand } from '@mnemo/contracts';
import { useLive } from '../../lib/live/live-provider';
import { SETTINGS } from './settings';

export function ConfigForm({ initial }: { initial: Record<string, string> }) {
  const live = useLive();
  const router = useRouter();
  const [values, setValues] = useState(() => Object.fromEntries(SETTINGS.map((s) => [s.name, initial[s.name] ?? ''])));
  const [saved, setSaved] = useState(values);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const nextErrors: Record<string, string> = {};
    const changed = SETTINGS.filter((s) => values[s.name] !== saved[s.name]);
    for (const spec of changed) {
      const problem = spec.check(values[spec.name]);
      if (problem) nextErrors[spec.name] = problem;
    }
    setBusy(true);
    const applied: string[] = [];
    for (const spec of changed) {
      if (nextErrors[spec.name]) continue;
      const ack = await live.command(AdminCommand.setConfig, { name: spec.name, value: values[spec.name].trim() });
      if (ack.status === 'error') nextErrors[ack.error.field && SETTINGS.some((s) => s.name === ack.error.field) ? ack.error.field : spec.name] = ack.error.message;
      else applied.push(spec.name);
    }
    setBusy(false);
    setErrors(nextErrors);
    if (applied.length > 0) {
      setSaved((current) => ({ ...current, ...Object.fromEntries(applied.map((name) => [name, values[name]])) }));
      setNotice(`Applied: ${applied.join(', ')}`);
      router.refresh();
    } else if (changed.length === 0) setNotice('Nothing changed');
  };

  return (
    <form className="panel config-form" onSubmit={submit} data-testid="config-form" noValidate>
      {notice ? <p className="notice ok" role="status">{notice}</p> : null}
      <table>
        <tbody>
          {SETTINGS.map((spec) => (
            <tr key={spec.name}>
              <td style={{ width: 220 }}>
                <label htmlFor={`setting-${spec.name}`} className="mono" style={{ color: 'inherit' }}>
                  {spec.label}
                </label>
                <div className="muted" style={{ fontSize: 12 }}>{spec.help}</div>
              </td>
              <td>
                {spec.choices ? (
                  <select id={`setting-${spec.name}`} name={spec.name} value={values[spec.name]} onChange={(e) => setValues({ ...values, [spec.name]: e.target.value })}>
                    {!spec.choices.includes(values[spec.name]) ? <option value={values[spec.name]}>{values[spec.name] || '(not reported by the server)'}</option> : null}
                    {spec.choices.map((choice) => (
                      <option key={choice} value={choice}>
                        {choice}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input id={`setting-${spec.name}`} name={spec.name} value={values[spec.name]} onChange={(e) => setValues({ ...values, [spec.name]: e.target.value })} />
                )}
                {errors[spec.name] ? (
                  <div className="field-error" role="alert" data-field={spec.name}>
                    {errors[spec.name]}
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div style={{ marginTop: 12 }}>
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Applying…' : 'Apply changes'}
        </button>
      </div>
    </form>
  );
}
