// A form's fields kept in one state object, with the change handler its text fields and selects
// share: `onChange={set('title')}`.
import { useState } from 'react';

export function useFields<T extends object>(initial: T | (() => T)) {
  const [fields, setFields] = useState<T>(initial);
  const set = (name: keyof T) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));
  return [fields, setFields, set] as const;
}
