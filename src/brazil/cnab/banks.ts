/** The six banks whose CNAB files Recupera reads and writes. */
export const CNAB_BANKS = {
  '001': 'Banco do Brasil',
  '033': 'Santander',
  '104': 'Caixa Econômica Federal',
  '237': 'Bradesco',
  '341': 'Itaú',
  '756': 'Sicoob',
} as const;

export type CnabBankCode = keyof typeof CNAB_BANKS;

export function isCnabBank(code: string): code is CnabBankCode {
  return Object.hasOwn(CNAB_BANKS, code);
}

/** Codes like '104' are integer-like keys that JavaScript lists first, so sort them. */
export const SUPPORTED_BANKS_TEXT = Object.entries(CNAB_BANKS)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, name]) => `${code} ${name}`)
  .join(', ');
