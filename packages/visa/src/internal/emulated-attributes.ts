import {
  VI_TMO_INFINITE,
  VisaAttribute,
  VisaStatus,
  type VisaAttributeName,
} from '../visa-constants.js';
import { visaIOError } from '../visa-errors.js';
import type { AttributeValue } from './session-io.js';

const MAXIMA: Record<string, number> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffffffff,
};

/**
 * The attributes of a session of the pure-TypeScript backends, with VISA's errors: an attribute the
 * session does not have is `VI_ERROR_NSUP_ATTR`, a read-only one `VI_ERROR_ATTR_READONLY`, a value out
 * of range `VI_ERROR_NSUP_ATTR_STATE`.
 */
export class EmulatedAttributes {
  private readonly values = new Map<VisaAttributeName, AttributeValue>();

  constructor(
    private readonly resourceName: string,
    readOnly: Partial<Record<VisaAttributeName, AttributeValue>>,
    writable: Partial<Record<VisaAttributeName, AttributeValue>>,
    private readonly onSet: (name: VisaAttributeName, value: AttributeValue) => void = () => {},
  ) {
    this.readOnly = new Set(Object.keys(readOnly) as VisaAttributeName[]);
    for (const [name, value] of Object.entries({ ...readOnly, ...writable }))
      this.values.set(name as VisaAttributeName, value);
  }

  private readonly readOnly: Set<VisaAttributeName>;

  /** The I/O timeout in milliseconds (`Infinity` for `VI_TMO_INFINITE`). */
  get timeout(): number {
    const value = this.values.get('VI_ATTR_TMO_VALUE') as number;
    return value === VI_TMO_INFINITE ? Infinity : value;
  }

  /** The termination character, or undefined when `VI_ATTR_TERMCHAR_EN` is off. */
  get termChar(): number | undefined {
    return this.values.get('VI_ATTR_TERMCHAR_EN') === true
      ? (this.values.get('VI_ATTR_TERMCHAR') as number)
      : undefined;
  }

  /** `VI_ATTR_SUPPRESS_END_EN`. */
  get suppressEnd(): boolean {
    return this.values.get('VI_ATTR_SUPPRESS_END_EN') === true;
  }

  get(name: VisaAttributeName): AttributeValue {
    const value = this.values.get(name);
    if (value === undefined)
      throw this.error(VisaStatus.VI_ERROR_NSUP_ATTR, 'viGetAttribute', name);
    return value;
  }

  set(name: VisaAttributeName, value: AttributeValue): void {
    if (!this.values.has(name))
      throw this.error(VisaStatus.VI_ERROR_NSUP_ATTR, 'viSetAttribute', name);
    if (this.readOnly.has(name))
      throw this.error(VisaStatus.VI_ERROR_ATTR_READONLY, 'viSetAttribute', name);
    const type = VisaAttribute[name].type;
    let normalised: AttributeValue = value;
    if (type === 'bool') {
      if (value === 0 || value === 1) normalised = value === 1;
      if (typeof normalised !== 'boolean')
        throw this.error(VisaStatus.VI_ERROR_NSUP_ATTR_STATE, 'viSetAttribute', name);
    } else if (type !== 'string') {
      const max = MAXIMA[type] ?? 0x7fffffff;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
        throw this.error(VisaStatus.VI_ERROR_NSUP_ATTR_STATE, 'viSetAttribute', name);
    }
    this.onSet(name, normalised);
    this.values.set(name, normalised);
  }

  private error(status: number, operation: string, name: VisaAttributeName): Error {
    return visaIOError(status, { operation: `${operation}(${name})`, resource: this.resourceName });
  }
}
