/**
 * The 27 federative units: name, IANA time zone of the capital, and postal code (CEP) ranges
 * as assigned by Correios. Contact windows are evaluated in the debtor's UF time zone.
 */

export const UFS = [
  'AC', 'AL', 'AP', 'AM', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MT', 'MS', 'MG', 'PA',
  'PB', 'PR', 'PE', 'PI', 'RJ', 'RN', 'RS', 'RO', 'RR', 'SC', 'SP', 'SE', 'TO',
] as const;

export type Uf = (typeof UFS)[number];

interface UfInfo {
  name: string;
  timeZone: string;
  /** Inclusive ranges of the first five CEP digits. */
  cepRanges: ReadonlyArray<readonly [number, number]>;
}

export const UF_INFO: Record<Uf, UfInfo> = {
  AC: { name: 'Acre', timeZone: 'America/Rio_Branco', cepRanges: [[69900, 69999]] },
  AL: { name: 'Alagoas', timeZone: 'America/Maceio', cepRanges: [[57000, 57999]] },
  AP: { name: 'Amapá', timeZone: 'America/Belem', cepRanges: [[68900, 68999]] },
  AM: { name: 'Amazonas', timeZone: 'America/Manaus', cepRanges: [[69000, 69299], [69400, 69899]] },
  BA: { name: 'Bahia', timeZone: 'America/Bahia', cepRanges: [[40000, 48999]] },
  CE: { name: 'Ceará', timeZone: 'America/Fortaleza', cepRanges: [[60000, 63999]] },
  DF: { name: 'Distrito Federal', timeZone: 'America/Sao_Paulo', cepRanges: [[70000, 72799], [73000, 73699]] },
  ES: { name: 'Espírito Santo', timeZone: 'America/Sao_Paulo', cepRanges: [[29000, 29999]] },
  GO: { name: 'Goiás', timeZone: 'America/Sao_Paulo', cepRanges: [[72800, 72999], [73700, 76799]] },
  MA: { name: 'Maranhão', timeZone: 'America/Fortaleza', cepRanges: [[65000, 65999]] },
  MT: { name: 'Mato Grosso', timeZone: 'America/Cuiaba', cepRanges: [[78000, 78899]] },
  MS: { name: 'Mato Grosso do Sul', timeZone: 'America/Campo_Grande', cepRanges: [[79000, 79999]] },
  MG: { name: 'Minas Gerais', timeZone: 'America/Sao_Paulo', cepRanges: [[30000, 39999]] },
  PA: { name: 'Pará', timeZone: 'America/Belem', cepRanges: [[66000, 68899]] },
  PB: { name: 'Paraíba', timeZone: 'America/Fortaleza', cepRanges: [[58000, 58999]] },
  PR: { name: 'Paraná', timeZone: 'America/Sao_Paulo', cepRanges: [[80000, 87999]] },
  PE: { name: 'Pernambuco', timeZone: 'America/Recife', cepRanges: [[50000, 56999]] },
  PI: { name: 'Piauí', timeZone: 'America/Fortaleza', cepRanges: [[64000, 64999]] },
  RJ: { name: 'Rio de Janeiro', timeZone: 'America/Sao_Paulo', cepRanges: [[20000, 28999]] },
  RN: { name: 'Rio Grande do Norte', timeZone: 'America/Fortaleza', cepRanges: [[59000, 59999]] },
  RS: { name: 'Rio Grande do Sul', timeZone: 'America/Sao_Paulo', cepRanges: [[90000, 99999]] },
  RO: { name: 'Rondônia', timeZone: 'America/Porto_Velho', cepRanges: [[76800, 76999]] },
  RR: { name: 'Roraima', timeZone: 'America/Boa_Vista', cepRanges: [[69300, 69399]] },
  SC: { name: 'Santa Catarina', timeZone: 'America/Sao_Paulo', cepRanges: [[88000, 89999]] },
  SP: { name: 'São Paulo', timeZone: 'America/Sao_Paulo', cepRanges: [[1000, 19999]] },
  SE: { name: 'Sergipe', timeZone: 'America/Maceio', cepRanges: [[49000, 49999]] },
  TO: { name: 'Tocantins', timeZone: 'America/Araguaina', cepRanges: [[77000, 77999]] },
};

const UF_SET: ReadonlySet<string> = new Set(UFS);

export function isUf(value: string): value is Uf {
  return UF_SET.has(value);
}

/** UF index + 1 for every five-digit CEP prefix (0 = unassigned), built once from the ranges above. */
const CEP_PREFIX_UF = new Uint8Array(100_000);
UFS.forEach((uf, index) => {
  for (const [from, to] of UF_INFO[uf].cepRanges) CEP_PREFIX_UF.fill(index + 1, from, to + 1);
});

/** The UF a CEP belongs to, or null when it is in no assigned range. */
export function ufOfCep(cep: string): Uf | null {
  if (!/^\d{8}$/.test(cep)) return null;
  const slot = CEP_PREFIX_UF[Number(cep.slice(0, 5))]!;
  return slot === 0 ? null : UFS[slot - 1]!;
}

export function normalizeCep(input: string): string {
  return input.replace(/[.\-\s]/g, '');
}

export function formatCep(cep: string): string {
  return cep.length === 8 ? `${cep.slice(0, 5)}-${cep.slice(5)}` : cep;
}
