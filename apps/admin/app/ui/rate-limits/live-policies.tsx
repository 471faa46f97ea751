'use client';
// Rate-limit policies with allowed/denied per second (counters polled every 2 s), a shadow-mode
// switch and an editor; the server validates and its error names the field.

import { useEffect, useRef, useState } from 'react';
import type { RateLimitPolicy, RateLimitPolicyView } from '@mnemo/contracts';
import { formatDuration, formatNumber } from '../../lib/format';
import { useLive } from '../../lib/live/live-provider';
import { errorText, MnemoHttpError } from '../../lib/mnemo-client';
import { policyRates, PolicyRates } from '../../lib/policy-rates';
import { PolicyEditor } from './policy-editor';

const POLL_MS = 2000;

export function LivePolicies({ initial, loadedAt }: { initial: RateLimitPolicyView[]; loadedAt: number }) {
  const live = useLive();
  const [policies, setPolicies] = useState(initial);
  const [rates, setRates] = useState<Map<string, PolicyRates>>(new Map());
  // The policy in the editor and the version it started from (null: a new one).
  const [editing, setEditing] = useState<{ policy: RateLimitPolicy; etag: string | null } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const last = useRef({ policies: initial, at: loadedAt });

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const { policies: next } = await live.http.policies();
        const at = Date.now();
        if (stopped) return;
        setRates(policyRates(last.current.policies, next, at - last.current.at));
        last.current = { policies: next, at };
        setPolicies(next);
      } catch (error) {
        if (!stopped) setMessage({ ok: false, text: `Could not refresh: ${(error as Error).message}` });
      }
    };
    const timer = setInterval(poll, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [live]);

  /**
   * Saves `policy` only over the version it was read at (`etag`; null: only if no policy has that
   * name), so neither "New policy" nor a stale switch overwrites an edit made meanwhile.
   */
  const save = async (policy: RateLimitPolicy, etag: string | null): Promise<string | null> => {
    try {
      const saved = await live.http.putPolicy(policy, etag);
      setPolicies((current) => [...current.filter((p) => p.name !== saved.name), saved].sort((a, b) => a.name.localeCompare(b.name)));
      setMessage({ ok: true, text: `Policy ${saved.name} saved` });
      setEditing(null);
      return null;
    } catch (error) {
      if (error instanceof MnemoHttpError && error.status === 412) {
        return etag === null
          ? `A policy named ${policy.name} exists already: edit it instead`
          : `Policy ${policy.name} was changed or deleted since this page read it: nothing was saved; the table shows its current values`;
      }
      return errorText(error);
    }
  };

  const strip = ({ counters: _counters, etag: _etag, ...policy }: RateLimitPolicyView): RateLimitPolicy => policy;

  return (
    <>
      <div className="panel">
        {message ? (
          <p className={`notice ${message.ok ? 'ok' : 'error'}`} role="status" data-testid="policies-message">
            {message.text}
          </p>
        ) : null}
        <div className="table-wrap">
          <table data-testid="policies">
            <thead>
              <tr>
                <th>Policy</th>
                <th>Match</th>
                <th>Limit</th>
                <th className="num">Allowed/s</th>
                <th className="num">Denied/s</th>
                <th className="num">Allowed</th>
                <th className="num">Denied</th>
                <th className="num">Near limit</th>
                <th>Shadow</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {policies.map((policy) => {
                const rate = rates.get(policy.name);
                return (
                  <tr key={policy.name} data-policy={policy.name}>
                    <td className="mono">{policy.name}</td>
                    <td className="mono">
                      {policy.domain}
                      {policy.descriptors.map((d) => ` ${d.key}${d.value ? `=${d.value}` : ''}`).join('')}
                    </td>
                    <td>
                      {policy.limit} / {formatDuration(policy.windowMs)} ({policy.algorithm}
                      {policy.burst !== undefined ? `, burst ${policy.burst}` : ''})
                    </td>
                    <td className="num">{rate ? formatNumber(rate.allowedPerSec) : '–'}</td>
                    <td className="num">{rate ? formatNumber(rate.deniedPerSec) : '–'}</td>
                    <td className="num">{formatNumber(policy.counters.allowed)}</td>
                    <td className="num">{formatNumber(policy.counters.denied)}</td>
                    <td className="num">{formatNumber(policy.counters.nearLimit)}</td>
                    <td>
                      <label style={{ flexDirection: 'row', alignItems: 'center' }}>
                        <input type="checkbox" checked={policy.shadow} onChange={async () => {
                          const problem = await save({ ...strip(policy), shadow: !policy.shadow }, policy.etag);
                          if (problem) setMessage({ ok: false, text: problem });
                        }} aria-label={`Shadow mode for ${policy.name}`} />
                        {policy.shadow ? `on (${formatNumber(policy.counters.shadowDenied)} would-deny)` : 'off'}
                      </label>
                    </td>
                    <td>
                      <button onClick={() => setEditing({ policy: strip(policy), etag: policy.etag })}>Edit</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {policies.length === 0 ? <p className="muted">No policies yet (ratelimit-policies file, or create one here).</p> : null}
        <div style={{ marginTop: 10 }}>
          <button onClick={() => setEditing({ policy: { name: '', domain: 'default', descriptors: [], algorithm: 'fixed-window', limit: 100, windowMs: 60000, shadow: false }, etag: null })}>
            New policy
          </button>
        </div>
      </div>
      {editing ? (
        <PolicyEditor
          key={editing.policy.name || 'new'}
          policy={editing.policy}
          isNew={editing.etag === null}
          onSave={(policy) => save(policy, editing.etag)}
          onCancel={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}
