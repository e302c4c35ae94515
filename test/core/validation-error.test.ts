import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { describeValue, ValidationError } from '../../src/core/validation-error';
import { newChart } from '../helpers';

describe('describeValue', () => {
  test('plain values', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('a')).toBe("'a'");
    expect(describeValue(3)).toBe('3');
    expect(describeValue(false)).toBe('false');
    expect(describeValue(10n)).toBe('10');
    expect(describeValue([1, 'a'])).toBe('[1,"a"]');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue(null)).toBe('null');
  });

  test('a cdk8s Duration as people read it, not [object Object]', () => {
    expect(describeValue(Duration.seconds(5))).toBe("'5 seconds'");
    expect(describeValue(Duration.millis(1500))).toBe("'1 second 500 millis'");
  });

  test('an object with its own toString', () => {
    class Version {
      public toString() {
        return 'v2';
      }
    }
    expect(describeValue(new Version())).toBe("'v2'");
  });

  test('an object JSON cannot show (a construct) by its class', () => {
    const chart = newChart();
    const construct = new Construct(chart, 'x');
    expect(describeValue(construct)).toBe("'test/x'"); // constructs describe themselves by path
    const cyclic: any = new (class Holder {})();
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('a Holder');
  });

  test('in the message of a ValidationError', () => {
    expect(new ValidationError('app/x', 'timeout', 'must be at least 1ms', Duration.millis(0), 'Use 1ms or more.').message)
      .toBe("app/x: timeout must be at least 1ms, got '0 millis'. Use 1ms or more.");
  });
});
