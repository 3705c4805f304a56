/** A workflow state for an incident that does not exist: each step gets as far as its first read of it. */
export const V2 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };
export const MISSING_INCIDENT_STATE = {
  incidentId: 'inc-missing',
  service: 'shopq-classifier',
  version: V2,
  decision: 'rollback',
  triggers: ['otp_in_critical'],
};
