/**
 * @module A figure measured over several rounds: its median and the range it moved in.
 */
export interface Spread {
  median: number
  min: number
  max: number
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] }
}

/** Half the range, as a share of the median: "± 3%". */
export function plusMinus({ median, min, max }: Spread): string {
  return `±${Math.round(((max - min) / 2 / median) * 100)}%`
}
