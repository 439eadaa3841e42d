// The account console's view of the person's pending family invitations, read from Family
// Planner's API (cross-origin on separate hosts, with the same bearer token): accept or decline
// here, or open Family Planner.

import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import { Button, ErrorMessage, formatDate, Section } from '../shared/components.tsx';
import type { PageConfig } from '../shared/config.ts';
import { useAction, useLoad } from '../shared/hooks.ts';
import type { Session } from '../shared/session.ts';

type Invitations = Answer<paths, '/api/invitations', 'get'>;
type PendingInvitation = Invitations['items'][number];

const ROLE_NAMES = { admin: 'an admin', parent: 'a parent', child: 'a child' } as const;

export function FamilyInvitations({ config, session }: { config: PageConfig; session: Session }) {
  const familyApi = `${config.apps.family.replace(/\/$/, '')}/api`;
  const invitations = useLoad(
    (signal) => session.fetch<Invitations>(`${familyApi}/invitations`, { signal }),
    [session, familyApi],
  );
  const answer = useAction();
  const respond = (invitation: PendingInvitation, reply: 'accept' | 'decline') =>
    answer.run(async () => {
      await session.fetch(`${familyApi}/invitations/${invitation.invitation_id}/${reply}`, {
        method: 'POST',
      });
      invitations.reload();
    });
  const pending = (invitations.data?.items ?? []).filter((i) => i.status === 'pending');
  // Family Planner may not run in this deployment: then there is simply nothing to show.
  if (pending.length === 0) return null;
  return (
    <Section title="Family invitations">
      {answer.error && <ErrorMessage>{answer.error}</ErrorMessage>}
      <ul className="list" aria-label="Your family invitations">
        {pending.map((invitation) => (
          <li className="list-row" key={invitation.invitation_id}>
            <div>
              <strong>{invitation.family_name}</strong> invites you as {ROLE_NAMES[invitation.role]}
              <div className="muted">Until {formatDate(invitation.expires_at)}</div>
            </div>
            <div className="button-row">
              <Button
                small
                busy={answer.busy}
                aria-label={`Accept the invitation to ${invitation.family_name}`}
                onClick={() => void respond(invitation, 'accept')}
              >
                Accept
              </Button>
              <Button
                small
                variant="secondary"
                busy={answer.busy}
                aria-label={`Decline the invitation to ${invitation.family_name}`}
                onClick={() => void respond(invitation, 'decline')}
              >
                Decline
              </Button>
            </div>
          </li>
        ))}
      </ul>
      <p>
        <a href={config.apps.family}>Open Family Planner</a>
      </p>
    </Section>
  );
}
