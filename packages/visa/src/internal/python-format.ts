/**
 * The subset of Python format specifications that pyvisa-sim dialogue files use: `{}`, `{:d}`,
 * `{:.3f}`, `{:g}`, `{:.8g}`, `{:+.8E}`, `{:s}`, optionally with a field name (`{frequency:g}`, our
 * extension for replies that combine several properties). Templates are compiled once into regular
 * expressions and formatters; received text is only ever matched, never evaluated.
 */

/** One `{name:spec}` field of a template. */
export interface TemplateField {
  /** The field name, or '' for the anonymous `{}` (the property itself). */
  readonly name: string;
  readonly sign: boolean;
  readonly precision: number | undefined;
  /** The conversion letter, or '' for `{}`. */
  readonly conversion: '' | 'd' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 's';
}

/** A template split into literal text and fields. */
export interface Template {
  readonly source: string;
  readonly parts: readonly (string | TemplateField)[];
}

/** A template uses a format we do not support; the message quotes it. */
export class TemplateSyntaxError extends Error {}

const FIELD = /^([A-Za-z_][A-Za-z0-9_]*)?(?::(\+)?(?:\.(\d+))?([dfFeEgGs])?)?$/;

/** Splits a template; `{{` and `}}` are literal braces. */
export function parseTemplate(source: string): Template {
  const parts: (string | TemplateField)[] = [];
  let literal = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      literal += c;
      i++;
      continue;
    }
    if (c === '}') throw new TemplateSyntaxError(`single "}" in template "${source}"`);
    if (c !== '{') {
      literal += c;
      continue;
    }
    const end = source.indexOf('}', i);
    if (end < 0) throw new TemplateSyntaxError(`unclosed "{" in template "${source}"`);
    const spec = source.slice(i + 1, end);
    const match = FIELD.exec(spec);
    if (!match) {
      throw new TemplateSyntaxError(
        `unsupported format field "{${spec}}" in template "${source}" (supported: {}, {:d}, ` +
          `{:.Nf}, {:g}, {:+.NE}, {:s}, optionally named: {name:g})`,
      );
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push({
      name: match[1] ?? '',
      sign: match[2] === '+',
      precision: match[3] === undefined ? undefined : Number(match[3]),
      conversion: (match[4] ?? '') as TemplateField['conversion'],
    });
    i = end;
  }
  if (literal) parts.push(literal);
  return { source, parts };
}

/** Formats a value as Python's `format(value, spec)` would for the supported specs. */
export function formatField(field: TemplateField, value: string | number | boolean): string {
  if (typeof value === 'string' || field.conversion === 's') return String(value);
  const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  let text: string;
  switch (field.conversion) {
    case 'd':
      text = Math.trunc(n).toString();
      break;
    case 'f':
    case 'F':
      text = n.toFixed(field.precision ?? 6);
      break;
    case 'e':
    case 'E':
      text = exponential(n, field.precision ?? 6);
      if (field.conversion === 'E') text = text.toUpperCase();
      break;
    case 'g':
    case 'G':
      text = general(n, field.precision ?? 6);
      if (field.conversion === 'G') text = text.toUpperCase();
      break;
    default:
      // `{}` of a number: JavaScript's shortest round-trip form (Python would add ".0" to floats).
      text = field.precision === undefined ? String(n) : general(n, field.precision);
  }
  return field.sign && n >= 0 && !text.startsWith('+') ? `+${text}` : text;
}

/** Formats a whole template, looking fields up by name (`''` is the property's own value). */
export function formatTemplate(
  template: Template,
  lookup: (name: string) => string | number | boolean,
): string {
  return template.parts
    .map((part) => (typeof part === 'string' ? part : formatField(part, lookup(part.name))))
    .join('');
}

const FLOAT = '[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?';
const INT = '[+-]?\\d+';

/**
 * A case-insensitive regular expression matching the whole template, with one capture group per
 * field (numbers for numeric conversions, anything for `{}` and `{:s}`).
 */
export function templateRegExp(template: Template): RegExp {
  const body = template.parts
    .map((part) => {
      if (typeof part === 'string') return escapeRegExp(part);
      if (part.conversion === 'd') return `(${INT})`;
      if (part.conversion === '' || part.conversion === 's') return '(.+?)';
      return `(${FLOAT})`;
    })
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/** The fields of a template, in capture-group order. */
export function templateFields(template: Template): TemplateField[] {
  return template.parts.filter((p): p is TemplateField => typeof p !== 'string');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

function exponential(n: number, precision: number): string {
  const [mantissa, exponent] = n.toExponential(precision).split('e') as [string, string];
  const sign = exponent.startsWith('-') ? '-' : '+';
  const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

function general(n: number, precision: number): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
  const exponent = Number(n.toExponential(p - 1).split('e')[1]);
  if (exponent >= -4 && exponent < p) {
    return stripZeros(n.toFixed(Math.max(0, p - 1 - exponent)));
  }
  const [mantissa, exp] = exponential(n, p - 1).split('e') as [string, string];
  return `${stripZeros(mantissa)}e${exp}`;
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
