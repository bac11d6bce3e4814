import { describe, expect, test } from 'vitest';
import { apiService } from '../../../../worker/providers/template/templates/api-service.ts';
import { dataPipeline } from '../../../../worker/providers/template/templates/data-pipeline.ts';
import { webApp } from '../../../../worker/providers/template/templates/web-app.ts';
import { runFiles } from './helpers.ts';

describe('the Template projects pass unmodified', () => {
  for (const [template, expected] of [
    [webApp, 2],
    [apiService, 3],
    [dataPipeline, 4],
  ] as const) {
    test(template.id, async () => {
      const { report, progress } = await runFiles(template.files('demo'));
      expect(report.cases.filter((item) => item.status !== 'pass')).toEqual([]);
      expect(report.outcome).toBe('completed');
      expect(report.counts).toEqual({ pass: expected, fail: 0, error: 0, skip: 0, todo: 0 });
      expect(report.files.map((file) => file.status)).toEqual(['pass']);
      expect(report.command).toBe('node --test');
      expect(progress.filter((item) => item.type === 'case')).toHaveLength(expected);
      expect(progress.map((item) => item.type)).toContain('file-end');
    });
  }
});
