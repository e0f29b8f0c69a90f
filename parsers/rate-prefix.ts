const RATE_PREFIX: Readonly<Record<string, number>> = { K: 1e3, M: 1e6, G: 1e9 };

/**
 * A perf metric in `/sec` where perf printed it with a prefix, which perf picks per row
 * (`89.506 K/sec`, `488.027 /sec` in the next tick): rows compare, and add up, only without it.
 * The product is taken to 15 significant digits, more than perf prints: `32.322 K/sec` read
 * 32322.000000000004 in binary floating point. Any other unit is returned as it is.
 * @example perSecondMetric(89.506, 'K/sec') // { value: 89506, unit: '/sec' }
 */
export function perSecondMetric(value: number, unit: string): { value: number; unit: string } {
  const prefixed = /^([KMG])\/sec$/.exec(unit);
  return prefixed === null ? { value, unit } : { value: Number((value * (RATE_PREFIX[prefixed[1] ?? ''] ?? 1)).toPrecision(15)), unit: '/sec' };
}

/**
 * A metric perf printed in `unit`, in another row's `target` unit (`1.079 K/sec` in `/sec` is
 * 1079), so that rows of one event add up; undefined where the two units are not one quantity.
 * @example metricInUnit(1.079, 'K/sec', '/sec') // 1079
 */
export function metricInUnit(value: number, unit: string, target: string): number | undefined {
  const from = perSecondMetric(value, unit);
  const to = perSecondMetric(1, target);
  return from.unit === to.unit ? from.value / to.value : undefined;
}
