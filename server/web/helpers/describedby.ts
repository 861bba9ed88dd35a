import Handlebars from 'handlebars';

/** {{describedby name hint error}}: the aria-describedby attribute, only when there is something to point at. */
export function describedby(name: unknown, hint: unknown, error: unknown): Handlebars.SafeString {
  const field = Handlebars.escapeExpression(String(name));
  const ids = [hint ? `hint-${field}` : '', error ? `error-${field}` : ''].filter(Boolean);
  return new Handlebars.SafeString(ids.length ? ` aria-describedby="${ids.join(' ')}"` : '');
}
