/**
 * Number spelling of Python's `json.dumps`, which the real data endpoint uses. A float that happens to be
 * whole prints as `1.0`, very small or large ones in exponent form with a two-digit exponent. Clients must
 * cope with both `1` and `1.0`, so the mock has to produce the Python spelling, not JavaScript's.
 */

/** Python's `repr(float)` for a finite number. */
export function pyFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const a = Math.abs(v);
  // Between 1e-4 and 1e16 both languages print the same shortest digits, without an exponent.
  if (a >= 1e-4 && a < 1e16) {
    const s = String(v);
    return Number.isInteger(v) ? s + '.0' : s;
  }
  // Python switches to exponent form outside that band; toExponential() gives the shortest digits too.
  const [mantissa, exp] = v.toExponential().split('e') as [string, string];
  const sign = exp[0] === '-' ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '');
  return `${mantissa}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}

/** Python's `repr(int)`. */
export function pyInt(v: number): string {
  return String(Math.trunc(v));
}
