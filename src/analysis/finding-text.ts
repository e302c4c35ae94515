import { Finding } from './finding';

/**
 * A finding's message followed by its fix, as every output prints it: `<message>. Fix: <fix>`.
 * Messages come from many checks (CRD rules, istiod's wording, ours); the sentence break before
 * the fix is added here when a message does not end one itself.
 */
export function messageWithFix(f: Pick<Finding, 'message' | 'fix'>): string {
  if (!f.fix) return f.message;
  const message = f.message.trimEnd();
  return `${message}${/[.!?]$/.test(message) ? '' : '.'} Fix: ${f.fix}`;
}
