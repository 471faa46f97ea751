'use client';
// Edit or create one rate-limit policy. Numbers are checked here for shape only; the server's
// validation decides and its message (naming the field) is shown as is.

import { FormEvent, useState } from 'react';
import { RATE_LIMIT_ALGORITHMS, RateLimitAlgorithm, RateLimitPolicy } from '@mnemo/contracts';

interface PolicyEditorProps {
  policy: RateLimitPolicy;
  isNew: boolean;
  /** Resolves with an error text, or null when saved. */
  onSave(policy: RateLimitPolicy): Promise<string | null>;
  onCancel(): void;
}

/** "a=1, b" → [{ key: 'a', value: '1' }, { key: 'b' }]. */
export function parseDescriptors(text: string): RateLimitPolicy['descriptors'] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [key, ...rest] = part.split('=');
      return rest.length > 0 ? { key: key.trim(), value: rest.join('=').trim() } : { key: key.trim() };
    });
}

export function PolicyEditor({ policy, isNew, onSave, onCancel }: PolicyEditorProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const number = (name: string) => Number(String(form.get(name) ?? '').trim());
    const burstText = String(form.get('burst') ?? '').trim();
    const next: RateLimitPolicy = {
      name: String(form.get('name') ?? '').trim(),
      domain: String(form.get('domain') ?? '').trim() || 'default',
      descriptors: parseDescriptors(String(form.get('descriptors') ?? '')),
      algorithm: String(form.get('algorithm')) as RateLimitAlgorithm,
      limit: number('limit'),
      windowMs: number('windowMs'),
      burst: burstText === '' ? undefined : Number(burstText),
      shadow: form.get('shadow') === 'on',
    };
    for (const field of ['limit', 'windowMs'] as const) {
      if (!Number.isInteger(next[field]) || next[field] < 1) {
        setError(`body.${field}: must be a whole number of at least 1`);
        return;
      }
    }
    if (next.burst !== undefined && (!Number.isInteger(next.burst) || next.burst < 0)) {
      setError('body.burst: must be a whole number of at least 0, or empty');
      return;
    }
    setBusy(true);
    setError(await onSave(next));
    setBusy(false);
  };

  return (
    <form className="panel" onSubmit={submit} data-testid="policy-editor" noValidate>
      <h2>{isNew ? 'New policy' : `Edit ${policy.name}`}</h2>
      {error ? <p className="notice error" role="alert">{error}</p> : null}
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'flex-end' }}>
          <label>
            Name
            <input name="name" defaultValue={policy.name} readOnly={!isNew} required />
          </label>
          <label>
            Domain
            <input name="domain" defaultValue={policy.domain} />
          </label>
          <label>
            Descriptors (key=value, key)
            <input name="descriptors" defaultValue={policy.descriptors.map((d) => (d.value ? `${d.key}=${d.value}` : d.key)).join(', ')} />
          </label>
          <label>
            Algorithm
            <select name="algorithm" defaultValue={policy.algorithm}>
              {RATE_LIMIT_ALGORITHMS.map((algorithm) => (
                <option key={algorithm} value={algorithm}>
                  {algorithm}
                </option>
              ))}
            </select>
          </label>
          <label>
            Limit
            <input name="limit" defaultValue={policy.limit} inputMode="numeric" size={8} />
          </label>
          <label>
            Window (ms)
            <input name="windowMs" defaultValue={policy.windowMs} inputMode="numeric" size={9} />
          </label>
          <label>
            Burst
            <input name="burst" defaultValue={policy.burst ?? ''} inputMode="numeric" size={6} />
          </label>
          <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
            <input type="checkbox" name="shadow" defaultChecked={policy.shadow} /> Shadow mode
          </label>
      </div>
      <div className="row-actions" style={{ marginTop: 12 }}>
        <button className="primary" type="submit" disabled={busy}>
          Save policy
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
