// The evaluation as JSON (`--json out.json`): the EvalReport itself, with non-finite numbers
// (the ROC curve's +Infinity start threshold) written as strings so the file stays valid JSON.
import { writeFile } from 'node:fs/promises';
import type { EvalReport } from './evaluate.js';

export function formatJsonReport(report: EvalReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2) + '\n';
}

export async function writeJsonReport(file: string, report: EvalReport): Promise<void> {
  await writeFile(file, formatJsonReport(report), 'utf8');
}
