import type { Deps } from '../deps.ts';

export type RoundProgress = {
  roundId: number;
  kind: 'single' | 'send_all' | 'reminder';
  startedAt: Date;
  startedByLabel: string;
  total: number;
  sent: number;
  failed: number;
  remaining: number;
  finishedAt: Date | null;
};

/** The newest Send All that has not finished, or null. (Being written.) */
export async function activeSendAll(_deps: Deps): Promise<RoundProgress | null> {
  return null;
}
