/** hyperfine's --time-unit: the unit compare prints times in, instead of the one each value's size picks. */
export type TimeUnit = 'second' | 'millisecond' | 'microsecond';

/** Each unit's size in seconds. */
export const TIME_UNIT_SECONDS: Readonly<Record<TimeUnit, number>> = { second: 1, millisecond: 1e-3, microsecond: 1e-6 };
