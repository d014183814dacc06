import { Command, Option } from 'commander';
import { ROLES } from '../store/schema.ts';
import { reportError } from './output.ts';

// Each command loads its own modules when it runs: an import does not pay for the web server.
const admin = () => import('./commands/admin.ts');

const program = new Command()
  .name('recupera')
  .description('Recupera: recuperação de crédito e cobrança extrajudicial.\nBanco: DATABASE_URL (PostgreSQL) ou PGlite embutido em DATA_DIR (padrão ./data).')
  .version('0.1.0')
  .showHelpAfterError();

/** Runs an action and turns its outcome into an exit code. */
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<number | void>) =>
  async (...args: A) => {
    try {
      process.exitCode = (await action(...args)) ?? 0;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };

program
  .command('serve')
  .description('Inicia a API (aplica migrações; na primeira vez, cria a assessoria de demonstração)')
  .option('-p, --port <porta>', 'porta HTTP (padrão: PORT ou 3000)')
  .option('--host <endereço>', 'endereço de escuta (padrão: HOST ou 0.0.0.0)')
  .action(async (options) => {
    try {
      await (await import('./commands/serve.ts')).serve(options);
    } catch (error) {
      process.exit(reportError(error));
    }
  });

program.command('migrate').description('Aplica as migrações SQL pendentes').action(run(async () => (await admin()).migrateCommand()));

program
  .command('seed-demo')
  .description('Cria a assessoria de demonstração (2 credores, 3 carteiras, ~2.000 devedores, ~5.000 títulos)')
  .option('--as-of <AAAA-MM-DD>', 'data de referência dos vencimentos (padrão: hoje)')
  .option('--seed <texto>', 'semente do gerador (mesma semente, mesmos dados)')
  .action(run(async (options: { asOf?: string; seed?: string }) => (await admin()).seedDemoCommand(options)));

program
  .command('import')
  .description('Importa títulos de um arquivo CSV ou JSON lines.\nSaída: 0 tudo importado, 1 linhas rejeitadas, 2 arquivo ilegível ou erro.')
  .argument('<arquivo>', 'arquivo .csv, .txt, .jsonl ou .ndjson')
  .requiredOption('--creditor <id|CNPJ>', 'credor (id ou CPF/CNPJ)')
  .requiredOption('--portfolio <id|nome>', 'carteira do credor (id ou nome)')
  .option('--all-or-nothing', 'recusa o arquivo inteiro se alguma linha tiver erro')
  .option('--snapshot', 'arquivo completo da carteira: títulos em aberto ausentes são baixados pelo credor')
  .addOption(new Option('--format <formato>', 'formato (padrão: pela extensão ou conteúdo)').choices(['csv', 'jsonl']))
  .addOption(new Option('--encoding <codificação>', 'codificação (padrão: detectada)').choices(['utf-8', 'latin1']))
  .option('--delimiter <caractere>', 'separador do CSV (padrão: detectado entre ; , tab |)')
  .addOption(new Option('--decimal <separador>', 'separador decimal (padrão: vírgula com ";", ponto com ",")').choices(['comma', 'point']))
  .option('--mapping <arquivo.json>', 'mapeamento {"campo": "coluna do arquivo"} para cabeçalhos fora do padrão')
  .option('--errors-csv <arquivo>', 'grava o relatório completo de erros neste CSV')
  .option('--json', 'imprime o relatório em JSON')
  .action(run(async (file: string, options: import('./commands/import.ts').ImportCommandOptions) => (await import('./commands/import.ts')).importCommand(file, options)));

const users = program.command('users').description('Usuários');
users
  .command('create')
  .description('Cria um usuário. A senha vem de --password, de RECUPERA_PASSWORD, ou é gerada e mostrada uma vez.')
  .requiredOption('--tenant <slug>', 'assessoria (identificador)')
  .requiredOption('--email <email>', 'e-mail de login')
  .requiredOption('--name <nome>', 'nome')
  .addOption(new Option('--role <perfil>', 'perfil').choices([...ROLES]).makeOptionMandatory())
  .option('--creditor <id>', 'credor (obrigatório para creditor_viewer)')
  .option('--password <senha>', 'senha (mínimo 10 caracteres)')
  .action(run(async (options: Parameters<Awaited<ReturnType<typeof admin>>['createUserCommand']>[0]) => (await admin()).createUserCommand(options)));

const tenants = program.command('tenants').description('Assessorias (inquilinos)');
tenants
  .command('create')
  .description('Cria uma assessoria')
  .requiredOption('--slug <slug>', 'identificador (minúsculas, números, hífens)')
  .requiredOption('--name <nome>', 'nome')
  .action(run(async (options: { slug: string; name: string }) => (await admin()).createTenantCommand(options)));

program.command('creditors').description('Credores').command('list').description('Lista credores e carteiras com seus ids').action(run(async () => (await admin()).listCreditorsCommand()));

program
  .command('run')
  .description('Execução diária da régua: grava no outbox as ações devidas (idempotente e retomável).\nA última linha informa "N new actions".')
  .option('--as-of <AAAA-MM-DD>', 'data da execução (padrão: hoje)')
  .option('--chunk <n>', 'títulos por lote confirmado (padrão: 5000)')
  .option('--json', 'resumo em JSON')
  .action(run(async (options: { asOf?: string; json?: boolean; chunk?: string }) => (await import('./commands/run.ts')).runCommand(options)));

program
  .command('dispatch')
  .description('Envia as ações planejadas cujo momento chegou, após a checagem de conformidade (o servidor faz isso a cada minuto)')
  .option('--json', 'resumo em JSON')
  .action(run(async (options: { json?: boolean }) => (await import('./commands/dispatch.ts')).dispatchCommand(options)));

program
  .command('erp-pull')
  .description('Busca agora os arquivos do ERP das fontes agendadas cuja hora chegou, ou de uma fonte (o servidor faz isso a cada minuto; docs/erp-sync.md)')
  .option('--source <id>', 'só esta fonte, mesmo fora do horário')
  .option('--json', 'resultado em JSON')
  .action(run(async (options: { source?: string; json?: boolean }) => (await import('./commands/erp.ts')).erpPullCommand(options)));

program
  .command('webhooks')
  .description('Webhooks de saída')
  .command('deliver')
  .description('Envia agora as entregas de webhook devidas, com novas tentativas (o servidor faz isso a cada minuto)')
  .option('--json', 'resumo em JSON')
  .action(run(async (options: { json?: boolean }) => (await import('./commands/webhooks.ts')).deliverWebhooksCommand(options)));

program
  .command('dossier')
  .description('Dossiê de evidências de um devedor (JSON + PDF, com o SHA-256 do JSON) para ajuizamento ou terceirização')
  .argument('<devedor>', 'id ou CPF/CNPJ do devedor')
  .option('--tenant <slug>', 'assessoria (quando o documento existe em mais de uma)')
  .option('--out <pasta>', 'pasta de saída (padrão: a atual)')
  .option('--as-of <AAAA-MM-DD>', 'data dos saldos (padrão: hoje)')
  .action(run(async (debtor: string, options: { tenant?: string; out?: string; asOf?: string }) => (await import('./commands/dossier.ts')).dossierCommand(debtor, options)));

program
  .command('simulate')
  .description('Simula a régua sobre a carteira de demonstração dia a dia, com respostas sorteadas e as mensagens numa caixa postal local')
  .option('--days <n>', 'dias simulados (padrão: 90)')
  .option('--from <AAAA-MM-DD>', 'primeiro dia (padrão: hoje)')
  .option('--out <pasta>', 'onde gravar a caixa postal (padrão: ./simulacao)')
  .option('--seed <texto>', 'semente das respostas (mesma semente, mesma simulação)')
  .option('--json', 'relatório em JSON')
  .action(run(async (options: { days?: string; from?: string; out?: string; seed?: string; json?: boolean }) => (await import('./commands/simulate.ts')).simulateCommand(options)));

const calc = () => import('./commands/calc.ts');
const calcCommand = program
  .command('calc')
  .description('Motor de cálculo sem servidor: JSON na entrada (arquivo ou stdin), JSON na saída (docs/calculations.md)');
calcCommand
  .command('balance')
  .description('Saldo atualizado de um título ou de vários do mesmo devedor, com a memória de cálculo')
  .argument('[arquivo]', 'requisição JSON (padrão: stdin)')
  .option('--db', 'usa também as séries de índices importadas no banco')
  .action(run(async (file: string | undefined, options: { db?: boolean }) => (await calc()).calcBalanceCommand(file, options)));
calcCommand
  .command('plan')
  .description('Plano de parcelas Price ou SAC, com entrada, dias úteis e CET')
  .argument('[arquivo]', 'requisição JSON (padrão: stdin)')
  .action(run(async (file: string | undefined) => (await calc()).calcPlanCommand(file)));
calcCommand
  .command('offers')
  .description('Propostas à vista e parceladas de títulos, dentro da política de negociação (docs/negotiation.md)')
  .argument('[arquivo]', 'requisição JSON (padrão: stdin)')
  .action(run(async (file: string | undefined) => (await calc()).calcOffersCommand(file)));
calcCommand
  .command('prescription')
  .description('Data de prescrição e fim da negativação de um título')
  .argument('[arquivo]', 'requisição JSON (padrão: stdin)')
  .action(run(async (file: string | undefined) => (await calc()).calcPrescriptionCommand(file)));
calcCommand
  .command('business-days')
  .description('Dias úteis entre duas datas (inclusive) e os feriados do período')
  .requiredOption('--from <AAAA-MM-DD>', 'data inicial')
  .requiredOption('--to <AAAA-MM-DD>', 'data final')
  .option('--uf <UF>', 'inclui os feriados estaduais')
  .option('--city <cidade>', 'inclui os feriados municipais da cidade (com --uf)')
  .option('--municipal <arquivo.json>', 'feriados municipais {"UF/Cidade": [{"month":7,"day":14,"name":"…","source":"…"}]} (padrão: os das capitais)')
  .addOption(new Option('--calendar <tipo>', 'bank: sem expediente bancário (padrão); civil: feriados legais').choices(['bank', 'civil']).default('bank'))
  .action(run(async (options: { from: string; to: string; uf?: string; city?: string; calendar?: string; municipal?: string }) => (await calc()).calcBusinessDaysCommand(options)));

const score = program.command('score').description('Modelos de escore treinados com os resultados da própria carteira (CSV com uma coluna de resultado)');
score
  .command('train')
  .description('Treina um modelo, imprime o relatório na validação separada (holdout) e grava o modelo em JSON.\nSaída: 0 treinado, 2 erro.')
  .argument('<arquivo.csv>', 'CSV com cabeçalho (separador , ; tab ou |; UTF-8 ou latin1)')
  .requiredOption('--outcome <coluna>', 'coluna de resultado (1/0, sim/não, true/false, yes/no)')
  .option('--positive <valor>', 'valor do resultado que conta como positivo (os demais contam como negativo)')
  .addOption(new Option('--model <tipo>', 'logistic, gbm ou auto (as árvores só ficam se ganharem 0,005 de AUC)').choices(['logistic', 'gbm', 'auto']).default('auto'))
  .option('--ignore <colunas>', 'colunas a não usar, separadas por vírgula (ids, por exemplo)')
  .option('--features <colunas>', 'usa só estas colunas, separadas por vírgula')
  .option('--categorical <colunas>', 'colunas numéricas lidas como categorias (códigos), separadas por vírgula')
  .option('--holdout <fração>', 'fração das linhas separada para a avaliação (padrão: 0.3)')
  .option('--seed <texto>', 'semente da separação e das árvores (mesma semente, mesmo modelo)')
  .option('--lambda <n>', 'penalidade L2 da regressão logística (padrão: 1)')
  .option('--out <modelo.json>', 'onde gravar o modelo (padrão: modelo.json)')
  .option('--json', 'relatório em JSON')
  .action(run(async (file: string, options: import('./commands/score.ts').ScoreTrainOptions) => (await import('./commands/score.ts')).scoreTrainCommand(file, options)));
score
  .command('evaluate')
  .description('Relatório de um modelo salvo sobre outro CSV com resultados.\nSaída: 0 avaliado, 2 erro.')
  .argument('<arquivo.csv>', 'CSV com cabeçalho e a coluna de resultado')
  .requiredOption('--model <modelo.json>', 'modelo gravado por "score train"')
  .option('--outcome <coluna>', 'coluna de resultado (padrão: a do modelo)')
  .option('--positive <valor>', 'valor que conta como positivo (padrão: o do modelo)')
  .option('--json', 'relatório em JSON')
  .action(run(async (file: string, options: import('./commands/score.ts').ScoreEvaluateOptions) => (await import('./commands/score.ts')).scoreEvaluateCommand(file, options)));

const indices = () => import('./commands/indices.ts');
const indicesCommand = program.command('indices').description('Séries de índices (IPCA, INPC, IGP-M, Selic, TR, taxa legal)');
indicesCommand
  .command('import')
  .description('Importa uma série no formato de exportação do SGS do Banco Central (JSON ou CSV)')
  .argument('<arquivo>', 'arquivo .json ([{"data":"01/01/2025","valor":"0,16"}]) ou .csv (data;valor)')
  .requiredOption('--series <nome>', 'ipca, inpc, igpm, selic, selic_daily, tr ou taxa_legal')
  .option('--source <texto>', 'fonte dos valores, guardada com eles (padrão: nome do arquivo)')
  .option('--json', 'resumo em JSON')
  .action(run(async (file: string, options: { series: string; source?: string; json?: boolean }) => (await indices()).importIndicesCommand(file, options)));
indicesCommand.command('list').description('Séries cadastradas no banco').action(run(async () => (await indices()).listIndicesCommand()));

const boleto = () => import('./commands/boleto.ts');
const boletoCommand = program.command('boleto').description('Boleto bancário: código de barras (44 dígitos) e linha digitável (47 dígitos)');
boletoCommand
  .command('decode')
  .description('Lê uma linha digitável ou um código de barras e confere os dígitos verificadores')
  .argument('<linha-ou-código>', 'linha digitável (47 dígitos) ou código de barras (44), com ou sem pontuação')
  .option('--as-of <AAAA-MM-DD>', 'data de referência para o fator de vencimento (padrão: hoje)')
  .action(run(async (input: string, options: { asOf?: string }) => (await boleto()).boletoDecodeCommand(input, options)));
boletoCommand
  .command('encode')
  .description('Monta código de barras e linha digitável: JSON na entrada (o mesmo de decode), JSON na saída')
  .argument('[arquivo]', 'JSON {"bankCode","currency","amount","dueDate","freeField"} (padrão: stdin)')
  .action(run(async (file: string | undefined) => (await boleto()).boletoEncodeCommand(file)));

const pix = () => import('./commands/pix.ts');
const pixCommand = program.command('pix').description('PIX: BR Code (copia e cola) estático e dinâmico');
pixCommand
  .command('encode')
  .description('Monta o BR Code: JSON na entrada (os campos de decode), payload na saída')
  .argument('[arquivo]', 'JSON {"key","amount","merchantName","merchantCity","txid"} ou {"url",…} (padrão: stdin)')
  .option('--qr <arquivo.png|arquivo.svg>', 'grava também o QR Code')
  .action(run(async (file: string | undefined, options: { qr?: string }) => (await pix()).pixEncodeCommand(file, options)));
pixCommand
  .command('decode')
  .description('Lê um BR Code e confere o CRC16')
  .argument('<payload>', 'o texto copia e cola')
  .action(run(async (payload: string) => (await pix()).pixDecodeCommand(payload)));

program
  .command('cnab')
  .description('Arquivos CNAB (240 e 400)')
  .command('parse')
  .description('Lê um arquivo de retorno (layout e banco detectados pelo header) e imprime um JSON por registro de detalhe')
  .argument('<arquivo>', 'arquivo de retorno (.ret)')
  .action(run(async (file: string) => (await import('./commands/cnab.ts')).cnabParseCommand(file)));

program
  .command('payments')
  .description('Pagamentos')
  .command('import')
  .description('Importa um arquivo de retorno CNAB (240 ou 400) e concilia os pagamentos com as cobranças.\nSaída: 0 tudo conciliado, 1 há pagamentos na fila de conciliação, 2 arquivo recusado.')
  .argument('<arquivo>', 'arquivo de retorno (.ret)')
  .option('--tenant <slug>', 'assessoria (obrigatório quando há mais de uma)')
  .option('--json', 'resumo em JSON')
  .action(run(async (file: string, options: { tenant?: string; json?: boolean }) => (await import('./commands/payments.ts')).paymentsImportCommand(file, options)));

await program.parseAsync(process.argv);
