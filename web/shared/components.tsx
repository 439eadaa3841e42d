// The shared component kit: every page builds from these, so labels, focus, errors and
// layout behave the same in every app.
import {
  type ButtonHTMLAttributes,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';
import { APP_NAMES, type PageConfig, WEB_APPS } from './config.ts';
import { Link } from './router.tsx';

type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'link';

export function Button({
  variant = 'primary',
  small,
  busy,
  children,
  className,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; small?: boolean; busy?: boolean }) {
  const classes = [
    'button',
    variant !== 'primary' && `button--${variant}`,
    small && 'button--small',
    className,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      {...rest}
      className={classes}
      // Busy wins over an explicit disabled={false}.
      disabled={busy || disabled}
      aria-busy={busy || undefined}
    >
      {children}
    </button>
  );
}

export function ButtonLink({
  href,
  variant = 'primary',
  children,
  internal,
}: {
  href: string;
  variant?: ButtonVariant;
  children: ReactNode;
  internal?: boolean;
}) {
  const className = ['button', variant !== 'primary' && `button--${variant}`].filter(Boolean).join(' ');
  return internal ? (
    <Link href={href} className={className}>
      {children}
    </Link>
  ) : (
    <a href={href} className={className}>
      {children}
    </a>
  );
}

interface FieldProps {
  label: string;
  /** A line under the field (text, or a link to where it is set). */
  hint?: ReactNode;
  error?: string;
}

function FieldFrame({ id, label, hint, error, children }: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

const describedBy = (id: string, hint?: ReactNode, error?: string) =>
  [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

export function TextField({
  label,
  hint,
  error,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
    </FieldFrame>
  );
}

export function TextArea({
  label,
  hint,
  error,
  ...input
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea id={id} aria-describedby={describedBy(id, hint, error)} {...input} />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  hint,
  error,
  options,
  ...select
}: FieldProps &
  SelectHTMLAttributes<HTMLSelectElement> & { options: ReadonlyArray<readonly [string, string]> }) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select id={id} aria-describedby={describedBy(id, hint, error)} {...select}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function Checkbox({ label, ...input }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" {...input} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** A form that runs an async submit, shows its error as a sentence and stays keyboard-friendly. */
export function Form({
  onSubmit,
  error,
  children,
  label,
  wide,
}: {
  onSubmit: () => void | Promise<void>;
  error?: string;
  children: ReactNode;
  label?: string;
  wide?: boolean;
}) {
  const handle = (event: FormEvent) => {
    event.preventDefault();
    void onSubmit();
  };
  return (
    <form
      className={wide ? 'form form--wide' : 'form'}
      onSubmit={handle}
      aria-label={label}
      noValidate={false}
    >
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {children}
    </form>
  );
}

/** A form's one submit button, in the row where forms keep their buttons. */
export function SubmitRow({ busy, children }: { busy?: boolean; children: ReactNode }) {
  return (
    <div className="button-row">
      <Button type="submit" busy={busy}>
        {children}
      </Button>
    </div>
  );
}

export function ErrorMessage({ children }: { children: ReactNode }) {
  return (
    <div className="alert" role="alert">
      {children}
    </div>
  );
}

export function Notice({ children, tone = 'success' }: { children: ReactNode; tone?: 'success' | 'info' }) {
  return (
    <div className={`alert alert--${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}

export function Section({
  title,
  actions,
  children,
  id,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  id?: string;
}) {
  const headingId = useId();
  return (
    <section className="section" aria-labelledby={headingId} id={id}>
      <div className="section-head">
        <h2 id={headingId}>{title}</h2>
        {actions && <div className="button-row">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

export interface NavItem {
  view: string;
  label: string;
}

export interface Brand {
  name: string;
  mark: string;
}

/** Header (brand, main navigation, who is signed in), main landmark and footer. */
export function Layout({
  config,
  brand,
  nav,
  current,
  user,
  bare,
  children,
}: {
  config: PageConfig;
  brand: Brand;
  nav: readonly NavItem[];
  current: string;
  user?: ReactNode;
  /** The page brings its own full-width sections (a landing page). */
  bare?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link className="brand" href={`${config.base}/`}>
            <span className="brand__mark" aria-hidden="true">
              {brand.mark}
            </span>
            {brand.name}
          </Link>
          {nav.length > 0 && (
            <nav aria-label="Main">
              <ul className="nav">
                {nav.map((item) => (
                  <li key={item.view}>
                    <Link
                      href={`${config.base}/${item.view}`}
                      aria-current={current === item.view ? 'page' : undefined}
                    >
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <div className="user-menu">{user}</div>
        </div>
      </header>
      <main id="main" className={bare ? undefined : 'site-main'} tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <div className="site-footer__inner">
          <nav aria-label="CALOS apps">
            <ul className="nav">
              {WEB_APPS.map((app) => (
                <li key={app}>
                  <a href={config.apps[app]}>{APP_NAMES[app]}</a>
                </li>
              ))}
              <li>
                <a href={config.account}>Your CALOS account</a>
              </li>
            </ul>
          </nav>
          <p>One CALOS account for every app.</p>
        </div>
      </footer>
    </>
  );
}

export const formatDate = (value: string | null | undefined, withTime = false) =>
  value
    ? new Date(value).toLocaleString(undefined, {
        dateStyle: 'medium',
        ...(withTime ? { timeStyle: 'short' } : {}),
      })
    : '—';

export const formatMoney = (cents: number | null | undefined) =>
  cents === null || cents === undefined
    ? '—'
    : (cents / 100).toLocaleString(undefined, { style: 'currency', currency: 'USD' });
