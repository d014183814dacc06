import { fmt, type EvaluationReport } from './model.ts';

/** The evaluation report as text for a person (pt-BR, aligned columns). */
export function formatReport(report: EvaluationReport, options: { maxWeights?: number } = {}): string {
  const lines: string[] = [];
  const m = report.model;
  lines.push(
    m.kind === 'logistic'
      ? `Modelo: regressão logística (lambda ${String(m.lambda).replace('.', ',')}, ${m.iterations} iterações${m.converged ? '' : ', sem convergir'})`
      : `Modelo: árvores com gradient boosting (${m.trees} árvores de ${m.treesGrown} treinadas, profundidade ${m.depth}, taxa de aprendizado ${fmt(m.learningRate, 2)})`,
  );
  const t = report.training;
  if (t) {
    lines.push(
      t.holdoutRows > 0
        ? `Treino: ${t.trainRows} linhas; validação: ${t.holdoutRows} linhas (${fmt(t.holdout * 100, 0)}%, estratificada, semente "${t.seed}")`
        : `Treino: ${t.trainRows} linhas (sem validação separada)`,
    );
  }
  lines.push(`Avaliação: ${report.rows} linhas, ${report.positives} positivas (taxa base ${fmt(report.baseRate * 100, 1)}%)`);
  lines.push('');
  lines.push(
    table(
      ['Métrica', 'Valor', ''],
      [
        ['AUC', fmt(report.auc, 4), ''],
        ['KS', fmt(report.ks.value, 4), Number.isFinite(report.ks.threshold) ? `no corte p ≥ ${fmt(report.ks.threshold, 4)} (escore ${report.ks.score})` : ''],
        ['Gini', fmt(report.gini, 4), ''],
        ['Brier', fmt(report.brier, 4), ''],
        ['Log loss', fmt(report.logLoss, 4), ''],
      ],
      ['l', 'r', 'l'],
    ),
  );
  lines.push('');
  lines.push('Calibração por faixa (escore = 1000 × probabilidade)');
  lines.push(
    table(
      ['Faixa', 'Escores', 'Linhas', 'Prob. média', 'Taxa observada'],
      report.calibration.map((c) => [c.band, `${c.minScore}–${c.maxScore}`, String(c.count), fmt(c.meanPredicted, 3), fmt(c.observedRate, 3)]),
      ['l', 'l', 'r', 'r', 'r'],
    ),
  );
  lines.push('');
  const max = options.maxWeights ?? 25;
  const w = report.weights;
  if (w.kind === 'coefficients') {
    lines.push('Pesos (coeficientes; numéricas por desvio padrão, categorias pela presença do nível)');
    lines.push(
      table(
        ['Variável', 'Peso', 'Razão de chances', 'Escala'],
        [
          ...w.items.slice(0, max).map((i) => [i.feature, fmt(i.weight, 4), fmt(i.oddsRatio, 3), i.scale === 'sd' ? 'por DP' : 'nível']),
          ['(intercepto)', fmt(w.intercept, 4), '', ''],
        ],
        ['l', 'r', 'r', 'l'],
      ),
    );
  } else {
    lines.push('Importância das variáveis (ganho total, soma 1)');
    lines.push(table(['Variável', 'Importância'], w.items.slice(0, max).map((i) => [i.feature, fmt(i.importance, 4)]), ['l', 'r']));
  }
  if (w.items.length > max) lines.push(`  … e mais ${w.items.length - max} variáveis (veja o relatório em JSON)`);
  if (report.notes.length > 0) {
    lines.push('');
    lines.push('Notas:');
    for (const note of report.notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n') + '\n';
}

function table(header: string[], rows: string[][], align: Array<'l' | 'r'>): string {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const render = (cells: string[]) =>
    '  ' +
    cells
      .map((cell, k) => (align[k] === 'r' ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}
