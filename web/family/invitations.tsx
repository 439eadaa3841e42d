// Invitations with consent, in the browser: what an admin sends (by login or as a link) and
// withdraws, what the person invited accepts or declines, the approvals a parent gives, and the
// join page an invitation link opens (/family/join#invite=CODE, through sign-up if need be).
import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/family.ts';
import type { ViewProps } from '../shared/app-shell.tsx';
import {
  Button,
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { useAction, useLoad } from '../shared/hooks.ts';
import { navigate } from '../shared/router.tsx';
import {
  type Family,
  type Invitation,
  type InvitationAnswer,
  type Page,
  type ReceivedInvitation,
  ROLES,
  roleWithArticle,
} from './model.ts';

const CODE_KEY = 'calos.family.invite';

// The code travels in the fragment (never sent to a server) and is kept for this tab while
// sign-in or sign-up takes the browser away and back: the address it returns to has no fragment.
if (typeof location !== 'undefined' && location.hash.startsWith('#invite=')) {
  sessionStorage.setItem(CODE_KEY, decodeURIComponent(location.hash.slice('#invite='.length)));
}

const answerText = (answer: InvitationAnswer, familyName: string) =>
  answer.status === 'accepted'
    ? `You joined ${familyName}.`
    : answer.status === 'awaiting_approval'
      ? `A parent or admin of your family has to approve before you join ${familyName}.`
      : `You declined the invitation to ${familyName}.`;

/** Invitations for the signed-in person, and children's answers waiting for their approval. */
export function InvitationsForYou({ props, onJoined }: { props: ViewProps; onJoined: () => void }) {
  const { api } = props;
  const mine = useLoad(
    (signal) => api<Answer<paths, '/api/invitations', 'get'>>('/api/invitations', { signal }),
    [api],
  );
  const approvals = useLoad(
    (signal) =>
      api<Answer<paths, '/api/invitations/approvals', 'get'>>('/api/invitations/approvals', { signal }),
    [api],
  );
  const act = useAction();
  const [said, setSaid] = useState<string>();
  const respond = (invitation: ReceivedInvitation, answer: 'accept' | 'decline' | 'approve' | 'reject') =>
    act.run(async () => {
      const result = await api<InvitationAnswer>(`/api/invitations/${invitation.invitation_id}/${answer}`, {
        method: 'POST',
      });
      setSaid(
        answer === 'approve'
          ? `${invitation.invitee?.username ?? 'They'} may join ${invitation.family_name}.`
          : answer === 'reject'
            ? `${invitation.invitee?.username ?? 'They'} will not join ${invitation.family_name}.`
            : answerText(result, invitation.family_name),
      );
      mine.reload();
      approvals.reload();
      if (result.status === 'accepted') onJoined();
    });
  const invitations = mine.data?.items ?? [];
  const waiting = approvals.data?.items ?? [];
  if (!said && !act.error && invitations.length === 0 && waiting.length === 0) return null;
  return (
    <Section title="Invitations for you">
      {said && <Notice>{said}</Notice>}
      {act.error && <ErrorMessage>{act.error}</ErrorMessage>}
      {invitations.length > 0 && (
        <ul className="list" aria-label="Your invitations">
          {invitations.map((invitation) => (
            <li className="list-row" key={invitation.invitation_id}>
              <div>
                <strong>{invitation.family_name}</strong> invites you as {roleWithArticle(invitation.role)}
                {invitation.invited_by ? ` (from ${invitation.invited_by})` : ''}
                <div className="muted">Until {formatDate(invitation.expires_at, true)}</div>
              </div>
              <div className="button-row">
                <Button small busy={act.busy} onClick={() => void respond(invitation, 'accept')}>
                  Join {invitation.family_name}
                </Button>
                <Button
                  small
                  variant="secondary"
                  onClick={() => void respond(invitation, 'decline')}
                  aria-label={`Decline the invitation to ${invitation.family_name}`}
                >
                  Decline
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {waiting.length > 0 && (
        <ul className="list" aria-label="Waiting for your approval">
          {waiting.map((invitation) => (
            <li className="list-row" key={invitation.invitation_id}>
              <div>
                <strong>{invitation.invitee?.username ?? 'Your child'}</strong> wants to join{' '}
                <strong>{invitation.family_name}</strong> as a child
              </div>
              <div className="button-row">
                <Button
                  small
                  onClick={() => void respond(invitation, 'approve')}
                  aria-label={`Approve ${invitation.invitee?.username ?? 'your child'} joining ${invitation.family_name}`}
                >
                  Approve
                </Button>
                <Button
                  small
                  variant="secondary"
                  onClick={() => void respond(invitation, 'reject')}
                  aria-label={`Refuse ${invitation.invitee?.username ?? 'your child'} joining ${invitation.family_name}`}
                >
                  Refuse
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** What an admin sees: invite by login, make a link, and the open invitations to withdraw. */
export function InviteMembers({ props, family }: { props: ViewProps; family: Family }) {
  const { api } = props;
  const base = `/api/families/${family.family_id}/invitations`;
  const open = useLoad(
    (signal) => api<Page<Invitation>>(base, { signal, query: { limit: 100 } }),
    [api, base],
  );
  const [login, setLogin] = useState('');
  const [role, setRole] = useState('child');
  const [linkRole, setLinkRole] = useState('child');
  const [uses, setUses] = useState('1');
  const [sent, setSent] = useState<string>();
  const [link, setLink] = useState<string>();
  const invite = useAction();
  const makeLink = useAction();
  const withdraw = useAction();
  const sendInvitation = () =>
    invite.run(async () => {
      await api<Invitation>(base, { body: { login: login.trim(), role } });
      setSent(`Invitation sent to ${login.trim()}. They join once they accept.`);
      setLogin('');
      open.reload();
    });
  const createLink = () =>
    makeLink.run(async () => {
      const made = await api<Invitation>(base, {
        body: { kind: 'link', role: linkRole, max_uses: Number(uses) },
      });
      setLink(`${location.origin}${props.href('join')}#invite=${encodeURIComponent(made.code ?? '')}`);
      open.reload();
    });
  const revoke = (invitation: Invitation) =>
    withdraw.run(async () => {
      await api(`${base}/${invitation.invitation_id}`, { method: 'DELETE' });
      open.reload();
    });
  const describe = (invitation: Invitation) =>
    invitation.kind === 'login'
      ? `${invitation.login} as ${roleWithArticle(invitation.role)}`
      : `A link for ${roleWithArticle(invitation.role)}, used ${invitation.use_count} of ${invitation.max_uses} times`;
  return (
    <Section title="Invite someone">
      <Form onSubmit={sendInvitation} error={invite.error} label="Invite by username or email">
        {sent && <Notice>{sent}</Notice>}
        <div className="form-grid">
          <TextField
            label="Their CALOS username or email"
            required
            value={login}
            onChange={(e) => setLogin(e.target.value)}
          />
          <SelectField label="Role" options={ROLES} value={role} onChange={(e) => setRole(e.target.value)} />
        </div>
        <SubmitRow busy={invite.busy}>Send invitation</SubmitRow>
      </Form>
      <Form onSubmit={createLink} error={makeLink.error} label="Make an invitation link">
        <p className="muted">For someone without a CALOS account: the link takes them through sign-up.</p>
        <div className="form-grid">
          <SelectField
            label="Role for the link"
            options={ROLES}
            value={linkRole}
            onChange={(e) => setLinkRole(e.target.value)}
          />
          <TextField
            label="How many people may use it"
            type="number"
            min={1}
            max={100}
            required
            value={uses}
            onChange={(e) => setUses(e.target.value)}
          />
        </div>
        <SubmitRow busy={makeLink.busy}>Make a link</SubmitRow>
        {link && (
          <TextField
            label="Invitation link (shown once: copy it now)"
            readOnly
            value={link}
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
      </Form>
      <h3>Open invitations</h3>
      {open.error && <ErrorMessage>{open.error}</ErrorMessage>}
      {withdraw.error && <ErrorMessage>{withdraw.error}</ErrorMessage>}
      {!open.data ? (
        <Loading />
      ) : open.data.items.length === 0 ? (
        <Empty>No open invitations.</Empty>
      ) : (
        <ul className="list" aria-label="Open invitations">
          {open.data.items.map((invitation) => (
            <li className="list-row" key={invitation.invitation_id}>
              <div>
                {describe(invitation)}
                <div className="muted">Until {formatDate(invitation.expires_at, true)}</div>
              </div>
              <Button
                small
                variant="secondary"
                onClick={() => void revoke(invitation)}
                aria-label={`Withdraw: ${describe(invitation)}`}
              >
                Withdraw
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** The page an invitation link opens: which family, and a button to join it. */
export function Join(props: ViewProps) {
  const { api } = props;
  const [code] = useState(() => sessionStorage.getItem(CODE_KEY) ?? '');
  const preview = useLoad(
    (signal) =>
      code
        ? api<ReceivedInvitation>('/api/invitations/preview', { signal, body: { code } })
        : Promise.resolve(null),
    [api, code],
  );
  const join = useAction();
  const [answer, setAnswer] = useState<InvitationAnswer>();
  const accept = () =>
    join.run(async () => {
      const result = await api<InvitationAnswer>('/api/invitations/join', { body: { code } });
      sessionStorage.removeItem(CODE_KEY);
      setAnswer(result);
      if (result.status === 'accepted') {
        navigate(props.href('families', { family: result.family_id }), { replace: true });
      }
    });
  return (
    <>
      <h1>Join a family</h1>
      {!code ? (
        <ErrorMessage>This page needs the whole invitation link. Ask for the link again.</ErrorMessage>
      ) : preview.error ? (
        <ErrorMessage>{preview.error}</ErrorMessage>
      ) : !preview.data ? (
        <Loading />
      ) : answer ? (
        <Notice>{answerText(answer, preview.data.family_name)}</Notice>
      ) : (
        <Section title={preview.data.family_name}>
          <p>
            {preview.data.invited_by ?? 'An admin'} invites you to {preview.data.family_name} as{' '}
            {roleWithArticle(preview.data.role)}.
          </p>
          <Form onSubmit={accept} error={join.error} label="Join the family">
            <SubmitRow busy={join.busy}>Join {preview.data.family_name}</SubmitRow>
          </Form>
        </Section>
      )}
    </>
  );
}
