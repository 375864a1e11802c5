import type { ReactNode } from 'react';

/** A message box: refusals, errors, information. Alerts are announced to screen readers. */
export function Notice({ kind, title, children }: { kind: 'forbidden' | 'error' | 'warning' | 'info' | 'success'; title?: string; children?: ReactNode }) {
  const urgent = kind === 'forbidden' || kind === 'error' || kind === 'warning';
  return (
    <div className={`notice notice-${kind}`} role={urgent ? 'alert' : 'status'}>
      {title && <p className="notice-title">{title}</p>}
      {children && <div className="notice-body">{children}</div>}
    </div>
  );
}
