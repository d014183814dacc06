import { useState } from 'react';
import { brl, dateBR } from '../format.ts';
import type { Charge } from '../types.ts';
import { Badge } from './ui.tsx';

/**
 * One charge as the payer uses it: PIX copy-and-paste with its QR code, or the boleto's typeable
 * line and PDF. `base` is where the charge's files are served (the back office or the portal).
 */
export function ChargeView({ charge, base, title }: { charge: Charge; base: string; title: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async (text: string) => {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 2500);
  };
  const paid = charge.status === 'paid';
  return (
    <div className="charge">
      <div className="charge-head">
        <strong>{title}</strong> {brl(charge.amountCents)} · vence em {dateBR(charge.dueDate)}{' '}
        {paid ? <Badge tone="good">paga em {dateBR(charge.paidOn)}</Badge> : <Badge tone="info">{charge.kind === 'pix' ? 'PIX' : 'boleto'} em aberto</Badge>}
      </div>
      {!paid && charge.kind === 'pix' && charge.pixCopiaECola && (
        <div className="pix">
          <img src={`${base}/${charge.id}/pix.svg`} alt={`QR Code PIX de ${brl(charge.amountCents)}`} width={180} height={180} />
          <div className="field grow">
            <label htmlFor={`pix-${charge.id}`}>PIX copia e cola</label>
            <textarea id={`pix-${charge.id}`} readOnly rows={3} value={charge.pixCopiaECola} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button" onClick={() => copy(charge.pixCopiaECola!)}>
              {copied ? 'Copiado!' : 'Copiar código PIX'}
            </button>
            <span role="status" aria-live="polite" className="sr-only">
              {copied ? 'Código PIX copiado' : ''}
            </span>
          </div>
        </div>
      )}
      {!paid && charge.kind === 'boleto' && (
        <div className="boleto">
          {charge.line && (
            <p>
              Linha digitável: <code className="line">{charge.line}</code>{' '}
              <button type="button" className="link-button" onClick={() => copy(charge.line!.replace(/\D/g, ''))}>
                {copied ? 'copiada' : 'copiar'}
              </button>
            </p>
          )}
          <a className="button" href={`${base}/${charge.id}/boleto.pdf`} target="_blank" rel="noreferrer">
            Boleto em PDF
          </a>
        </div>
      )}
    </div>
  );
}
