import { pyFloat, pyInt } from '../../src/mock/py-format';

describe('mock server: Python number spelling', () => {
  // Expected strings are Python 3's repr() of the same doubles.
  it.each([
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e-5, '1e-05'],
    [1.5e16, '1.5e+16'],
    [123.456, '123.456'],
    [1e22, '1e+22'],
    [0.0001, '0.0001'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [1.5e-7, '1.5e-07'],
    [1.2345678901234568e17, '1.2345678901234568e+17'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-2.5e-5, '-2.5e-05'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [76.26200103759766, '76.26200103759766'],
  ])('pyFloat(%p) = %s', (value, expected) => {
    expect(pyFloat(value)).toBe(expected);
  });

  it('pyInt prints whole numbers without a fraction', () => {
    expect(pyInt(1)).toBe('1');
    expect(pyInt(-3)).toBe('-3');
  });
});
