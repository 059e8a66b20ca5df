import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('grows exponentially, stays within [exp/2, exp] and is capped', () => {
    expect(backoffMs(0, 200, 10000, () => 0)).toBe(100);
    expect(backoffMs(0, 200, 10000, () => 1)).toBe(200);
    expect(backoffMs(3, 200, 10000, () => 1)).toBe(1600);
    expect(backoffMs(30, 200, 10000, () => 1)).toBe(10000);
    expect(backoffMs(30, 200, 10000, () => 0)).toBe(5000);
  });
});
