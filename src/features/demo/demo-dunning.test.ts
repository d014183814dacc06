import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCHEDULE } from '../../domain/dunning/schedule.ts';
import { checkTemplate, renderTemplate, sampleContext } from '../../domain/dunning/templates.ts';
import { DEMO_TEMPLATES } from './demo-dunning.ts';

describe('demo dunning', () => {
  it('ships demo templates that pass every check, one for each template of the example schedule', () => {
    for (const t of DEMO_TEMPLATES) {
      expect(checkTemplate(t.body, t.channel), t.key).toEqual([]);
      expect(renderTemplate(t.body, sampleContext()).length).toBeGreaterThan(20);
    }
    expect(new Set(DEMO_TEMPLATES.map((t) => t.key))).toEqual(new Set(EXAMPLE_SCHEDULE.steps.map((s) => s.template)));
  });
});
