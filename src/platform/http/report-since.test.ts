// A console report's `since`: a date or a time with offset, within the last 366 days of the
// service's clock; anything else is 400 VALIDATION_FAILED naming the field.
import { describe, expect, it } from 'vitest';
import { parseReportSince, reportSince } from './report-since.ts';

const now = new Date('2031-06-15T12:00:00Z');

describe('reportSince', () => {
  it('takes a date from its midnight UTC, a time with its offset, and defaults to 30 days', () => {
    expect(reportSince('2031-06-01', now)).toEqual(new Date('2031-06-01T00:00:00Z'));
    expect(reportSince('2031-06-01T08:30:00+02:00', now)).toEqual(new Date('2031-06-01T06:30:00Z'));
    expect(reportSince('2031-06-15T11:59:59.5Z', now)).toEqual(new Date('2031-06-15T11:59:59.500Z'));
    expect(reportSince(undefined, now)).toEqual(new Date('2031-05-16T12:00:00Z'));
    expect(reportSince('2030-06-15', now)).toEqual(new Date('2030-06-15T00:00:00Z'));
  });

  it('refuses what is not a real date, the future and more than 366 days back', () => {
    for (const bad of [
      'yesterday',
      '2031-02-30',
      '2031-13-01',
      '2031-06-01T08:30:00',
      '1623456789',
      '',
      '2031-06-16',
      '2030-06-13',
    ]) {
      expect(() => reportSince(bad, now), bad).toThrow(
        expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }),
      );
    }
    expect(parseReportSince('2031-02-29')).toBeUndefined();
    expect(parseReportSince('2032-02-29')).toEqual(new Date('2032-02-29T00:00:00Z'));
  });
});
