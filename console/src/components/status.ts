/** Award status → CSS class (colour); the status is always written out as text as well. */
export const STATUS_CLASS: Record<string, string> = {
  ACTIVE: 'st-active',
  PENDING: 'st-pending',
  SUSPENDED: 'st-suspended',
  ENDED: 'st-ended',
  REJECTED: 'st-rejected',
};

/** Fill colours for the timeline bars (≥ 3:1 against white; keep in sync with styles.css). */
export const STATUS_FILL: Record<string, string> = {
  ACTIVE: '#1e6b34',
  PENDING: '#8a5300',
  SUSPENDED: '#5f5f5f',
  ENDED: '#0b5cad',
  REJECTED: '#b3261e',
};
