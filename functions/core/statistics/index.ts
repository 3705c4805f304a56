export { chiSquareSurvival } from './chi-square.ts';
export { StatisticsError } from './errors.ts';
export { formatConfidence, formatInterval, formatPercent, formatPValue } from './format.ts';
export { type GTestResult, gTest } from './g-test.ts';
export { lnGamma, regularizedGammaQ } from './gamma.ts';
export { inverseNormalCdf, normalCdf, normalSurvival } from './normal.ts';
export * from './policy.ts';
export * from './sprt.ts';
export { type Interval, wilsonBound, wilsonInterval } from './wilson.ts';
