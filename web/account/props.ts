// What every view of the account console is given.
import type { PageConfig } from '../shared/config.ts';
import type { Account, Session } from '../shared/session.ts';

export interface AccountViewProps {
  config: PageConfig;
  session: Session;
  user?: Account;
  params: URLSearchParams;
  api: <T>(path: string, options?: Parameters<Session['fetch']>[1]) => Promise<T>;
}
