/** Financial-education tips (the seeds ask for them): plain language, no pressure, sources a debtor can trust. */
export function EducationPage() {
  return (
    <article>
      <h1>Dicas para organizar suas finanças</h1>
      <ol className="tips">
        <li><strong>Anote tudo o que entra e sai no mês.</strong> Uma lista simples de renda e despesas mostra quanto sobra de verdade para pagar dívidas.</li>
        <li><strong>Priorize as dívidas com juros mais altos</strong> (cartão de crédito, cheque especial) e as que garantem o essencial: moradia, água, luz.</li>
        <li><strong>Só faça acordo que caiba no bolso.</strong> Uma parcela que você consegue pagar todo mês vale mais do que um desconto maior que vai se quebrar.</li>
        <li><strong>Compare o custo total:</strong> no parcelamento, olhe o CET (Custo Efetivo Total), não só o valor da parcela.</li>
        <li><strong>Guarde os comprovantes</strong> de pagamento e o termo do acordo. Quitado o acordo, você recebe a carta de quitação.</li>
        <li><strong>Desconfie de cobranças sem identificação.</strong> Toda cobrança legítima informa o credor, o CNPJ e o valor discriminado. Nunca pague a quem não se identifica.</li>
        <li><strong>Está superendividado?</strong> A Lei 14.181/2021 garante a repactuação das dívidas preservando o mínimo existencial. Procure o Procon ou a Defensoria Pública da sua cidade.</li>
        <li><strong>Monte uma reserva de emergência,</strong> mesmo pequena: ela evita novas dívidas quando surge um imprevisto.</li>
      </ol>
      <h2>Onde saber mais</h2>
      <ul>
        <li>Banco Central do Brasil — Cidadania Financeira (bcb.gov.br/cidadaniafinanceira)</li>
        <li>Consumidor.gov.br — para registrar reclamações sobre empresas</li>
        <li>Procon do seu estado e Defensoria Pública</li>
      </ul>
    </article>
  );
}
