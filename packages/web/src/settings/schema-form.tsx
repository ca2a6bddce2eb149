// A form drawn from a JSON Schema (the server's, generated from a plugin's zod schema): objects,
// strings, numbers, booleans, enums, arrays, unions (anyOf/oneOf, told apart by a `const` tag) and
// local $refs. What it cannot draw is edited as JSON. The server validates what is sent.

/** A JSON Schema node (the parts the form reads). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  default?: unknown;
  description?: string;
}

type Root = { $defs?: Record<string, JsonSchema> };

function resolve(schema: JsonSchema, root: Root): JsonSchema {
  if (schema.$ref?.startsWith('#/$defs/')) {
    const target = root.$defs?.[schema.$ref.slice('#/$defs/'.length)];
    if (target) return resolve(target, root);
  }
  return schema;
}

/** The option of a union that `value` is, by the options' `const` tags (else the first). */
export function unionOption(options: JsonSchema[], value: unknown, root: Root): number {
  if (value && typeof value === 'object') {
    const index = options.findIndex((o) => {
      const option = resolve(o, root);
      return Object.entries(option.properties ?? {}).some(
        ([key, p]) => p.const !== undefined && (value as Record<string, unknown>)[key] === p.const,
      );
    });
    if (index >= 0) return index;
  }
  const byType = options.findIndex((o) => typeOf(resolve(o, root)) === typeOfValue(value));
  return byType >= 0 ? byType : 0;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (schema.const !== undefined) return typeOfValue(schema.const);
  return Array.isArray(schema.type) ? schema.type[0] : schema.type;
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' ? 'number' : typeof value;
}

/** An empty value of a schema (its default, its const, or an empty one of its type). */
export function emptyValue(schema: JsonSchema, root: Root): unknown {
  const s = resolve(schema, root);
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const union = s.anyOf ?? s.oneOf;
  if (union?.[0]) return emptyValue(union[0], root);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        const p = s.properties?.[key];
        if (p) out[key] = emptyValue(p, root);
      }
      return out;
    }
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return '';
  }
}

/** A field of the form for `schema` and `value`. */
export function SchemaField({
  schema,
  root,
  value,
  label,
  onChange,
}: {
  schema: JsonSchema;
  root: Root;
  value: unknown;
  label: string;
  onChange: (value: unknown) => void;
}) {
  const s = resolve(schema, root);
  const union = s.anyOf ?? s.oneOf;
  if (union) {
    const chosen = unionOption(union, value, root);
    const names = union.map((o, i) => {
      const r = resolve(o, root);
      const tag = Object.values(r.properties ?? {}).find((p) => p.const !== undefined)?.const;
      return tag !== undefined
        ? String(tag as string)
        : r.const !== undefined
          ? String(r.const as string)
          : (typeOf(r) ?? `option ${i + 1}`);
    });
    return (
      <fieldset className="schema-union">
        <legend>
          {label}{' '}
          <select
            aria-label={`${label} kind`}
            value={chosen}
            onChange={(e) => onChange(emptyValue(union[Number(e.target.value)]!, root))}
          >
            {names.map((n, i) => (
              <option key={i} value={i}>
                {n}
              </option>
            ))}
          </select>
        </legend>
        <SchemaField
          schema={union[chosen]!}
          root={root}
          value={value}
          label={label}
          onChange={onChange}
        />
      </fieldset>
    );
  }
  if (s.const !== undefined) return null;
  if (s.enum) {
    return (
      <label className="schema-field">
        <span>{label}</span>
        <select
          aria-label={label}
          value={JSON.stringify(value)}
          onChange={(e) => onChange(JSON.parse(e.target.value))}
        >
          {s.enum.map((v) => (
            <option key={JSON.stringify(v)} value={JSON.stringify(v)}>
              {String(v as string)}
            </option>
          ))}
        </select>
      </label>
    );
  }
  switch (typeOf(s)) {
    case 'object': {
      const object = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
      return (
        <fieldset className="schema-object">
          <legend>{label}</legend>
          {Object.entries(s.properties ?? {}).map(([key, p]) => {
            const present = key in object;
            const required = s.required?.includes(key) ?? false;
            return (
              <div key={key} className="schema-property">
                {!required && (
                  <input
                    type="checkbox"
                    aria-label={`set ${key}`}
                    checked={present}
                    onChange={(e) => {
                      const next = { ...object };
                      if (e.target.checked) next[key] = emptyValue(p, root);
                      else delete next[key];
                      onChange(next);
                    }}
                  />
                )}
                {present || required ? (
                  <SchemaField
                    schema={p}
                    root={root}
                    value={object[key]}
                    label={key}
                    onChange={(v) => onChange({ ...object, [key]: v })}
                  />
                ) : (
                  <span className="muted">{key} (not set)</span>
                )}
              </div>
            );
          })}
        </fieldset>
      );
    }
    case 'array': {
      const items: unknown[] = Array.isArray(value) ? (value as unknown[]) : [];
      return (
        <fieldset className="schema-array">
          <legend>{label}</legend>
          {items.map((item, i) => (
            <div key={i} className="schema-item">
              <SchemaField
                schema={s.items ?? {}}
                root={root}
                value={item}
                label={`${label} ${i}`}
                onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
              />
              <button type="button" onClick={() => onChange(items.filter((_, j) => j !== i))}>
                remove
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => onChange([...items, emptyValue(s.items ?? {}, root)])}
          >
            add {label}
          </button>
        </fieldset>
      );
    }
    case 'boolean':
      return (
        <label className="schema-field">
          <input
            type="checkbox"
            aria-label={label}
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          <span>{label}</span>
        </label>
      );
    case 'number':
    case 'integer':
      return (
        <label className="schema-field">
          <span>{label}</span>
          <input
            type="number"
            aria-label={label}
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          />
        </label>
      );
    case 'string':
      return (
        <label className="schema-field">
          <span>{label}</span>
          <input
            aria-label={label}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value)}
          />
        </label>
      );
    default:
      return <JsonField label={label} value={value} onChange={onChange} />;
  }
}

function JsonField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  return (
    <label className="schema-field">
      <span>{label} (JSON)</span>
      <textarea
        aria-label={label}
        defaultValue={JSON.stringify(value ?? null, null, 2)}
        rows={3}
        onBlur={(e) => {
          try {
            onChange(JSON.parse(e.target.value));
          } catch {
            // Left as typed: the server says what is wrong on save.
          }
        }}
      />
    </label>
  );
}
