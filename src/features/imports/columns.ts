import { normalizeKey } from '../../domain/text.ts';

/**
 * The fields an import understands, with the names ERPs and spreadsheets commonly give them,
 * in Portuguese and English. Headers are compared after normalization (lowercase, no accents,
 * '_' for spaces and punctuation), so "Data de Vencimento" matches data_de_vencimento.
 */
export const FIELDS = {
  externalId: {
    label: 'id do título', required: true,
    aliases: ['external_id', 'id_externo', 'id_titulo', 'titulo', 'numero_titulo', 'num_titulo', 'nr_titulo', 'numero_do_titulo', 'no_titulo', 'no_do_titulo', 'no_documento', 'numero_documento', 'nr_documento', 'num_documento', 'documento_titulo', 'seu_numero', 'id'],
  },
  debtorDocument: {
    label: 'CPF/CNPJ', required: true,
    aliases: ['cpf_cnpj', 'cpfcnpj', 'cpf_ou_cnpj', 'cpf', 'cnpj', 'documento', 'documento_devedor', 'cpf_cnpj_devedor', 'doc_devedor', 'tax_id', 'document', 'debtor_document'],
  },
  debtorName: {
    label: 'nome do devedor', required: true,
    aliases: ['nome', 'nome_devedor', 'devedor', 'razao_social', 'nome_razao_social', 'nome_ou_razao_social', 'cliente', 'nome_cliente', 'sacado', 'pagador', 'name', 'debtor_name'],
  },
  birthDate: { label: 'data de nascimento', required: false, aliases: ['data_nascimento', 'data_de_nascimento', 'nascimento', 'dt_nascimento', 'birth_date', 'birthdate'] },
  declaredIncome: { label: 'renda declarada', required: false, aliases: ['renda', 'renda_declarada', 'renda_mensal', 'income', 'declared_income'] },
  email: { label: 'e-mail', required: false, aliases: ['email', 'e_mail', 'email_devedor', 'correio_eletronico'] },
  phone: { label: 'telefone', required: false, aliases: ['telefone', 'celular', 'fone', 'tel', 'telefone_1', 'telefone1', 'phone', 'mobile', 'whatsapp'] },
  phone2: { label: 'telefone 2', required: false, aliases: ['telefone_2', 'telefone2', 'celular_2', 'celular2', 'fone_2', 'fone2', 'phone2', 'phone_2'] },
  street: { label: 'logradouro', required: false, aliases: ['logradouro', 'endereco', 'rua', 'street', 'address', 'address_street'] },
  number: { label: 'número do endereço', required: false, aliases: ['numero', 'num', 'nro', 'numero_endereco', 'number', 'address_number'] },
  complement: { label: 'complemento', required: false, aliases: ['complemento', 'complement', 'address_complement'] },
  district: { label: 'bairro', required: false, aliases: ['bairro', 'district', 'neighborhood', 'address_district'] },
  city: { label: 'cidade', required: false, aliases: ['cidade', 'municipio', 'city', 'address_city'] },
  uf: { label: 'UF', required: false, aliases: ['uf', 'estado', 'state', 'address_uf'] },
  cep: { label: 'CEP', required: false, aliases: ['cep', 'zip', 'zipcode', 'postal_code', 'address_cep'] },
  documentKind: { label: 'tipo de documento', required: false, aliases: ['tipo_documento', 'tipo_de_documento', 'especie', 'especie_titulo', 'tipo_titulo', 'document_kind', 'kind'] },
  description: { label: 'descrição', required: false, aliases: ['descricao', 'historico', 'observacao', 'description'] },
  amountCents: { label: 'valor em centavos', required: false, aliases: ['valor_centavos', 'amount_cents', 'original_amount_cents'] },
  amount: { label: 'valor', required: true, aliases: ['valor', 'valor_original', 'valor_titulo', 'valor_do_titulo', 'valor_nominal', 'vlr_titulo', 'vl_titulo', 'amount', 'original_amount'] },
  issueDate: { label: 'data de emissão', required: false, aliases: ['emissao', 'data_emissao', 'data_de_emissao', 'dt_emissao', 'issue_date'] },
  dueDate: { label: 'vencimento', required: true, aliases: ['vencimento', 'data_vencimento', 'data_de_vencimento', 'dt_vencimento', 'due_date'] },
  installment: { label: 'parcela', required: false, aliases: ['parcela', 'numero_parcela', 'nr_parcela', 'installment', 'installment_number'] },
  installmentCount: { label: 'total de parcelas', required: false, aliases: ['total_parcelas', 'qtd_parcelas', 'quantidade_parcelas', 'parcelas', 'installments', 'installment_count'] },
  correctionIndex: { label: 'índice de correção', required: false, aliases: ['indice', 'indice_correcao', 'indice_de_correcao', 'correcao', 'correction_index'] },
  interestRate: { label: 'juros (% ao mês)', required: false, aliases: ['juros', 'taxa_juros', 'juros_mes', 'juros_mensal', 'juros_ao_mes', 'juros_de_mora', 'interest_rate'] },
  interestKind: { label: 'tipo de juros', required: false, aliases: ['tipo_juros', 'tipo_de_juros', 'capitalizacao', 'interest_kind'] },
  fineRate: { label: 'multa (%)', required: false, aliases: ['multa', 'percentual_multa', 'multa_percentual', 'fine_rate'] },
  feesRate: { label: 'honorários (%)', required: false, aliases: ['honorarios', 'percentual_honorarios', 'honorarios_percentual', 'fees_rate'] },
  relationship: { label: 'relação (consumo ou empresarial)', required: false, aliases: ['relacao', 'tipo_relacao', 'tipo_cliente', 'relacao_de_consumo', 'relationship'] },
  status: { label: 'situação', required: false, aliases: ['situacao', 'status'] },
} as const satisfies Record<string, { label: string; required: boolean; aliases: readonly string[] }>;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

const ALIAS_TO_FIELD = new Map<string, FieldName>();
for (const name of FIELD_NAMES) {
  ALIAS_TO_FIELD.set(normalizeKey(name), name);
  for (const alias of FIELDS[name].aliases) ALIAS_TO_FIELD.set(alias, name);
}

/** Field → position in the record (CSV) or key in the object (JSON lines). */
export type ColumnMap = Partial<Record<FieldName, number | string>>;

export interface HeaderResolution {
  map: ColumnMap;
  ignored: string[];
  missing: FieldName[];
  duplicated: Array<{ field: FieldName; headers: string[] }>;
}

/**
 * Matches a header row to fields. An explicit mapping (field → header name as written in the
 * file) wins over aliases; columns no field claims are reported as ignored.
 */
export function resolveHeaders(headers: readonly string[], explicit: Partial<Record<FieldName, string>> = {}): HeaderResolution {
  const map: ColumnMap = {};
  const claimed = new Map<FieldName, string[]>();
  const ignored: string[] = [];
  const explicitByHeader = new Map<string, FieldName>();
  for (const [field, header] of Object.entries(explicit) as Array<[FieldName, string]>) {
    explicitByHeader.set(normalizeKey(header), field);
  }
  headers.forEach((header, index) => {
    const key = normalizeKey(header);
    const field = explicitByHeader.get(key) ?? (Object.keys(explicit).length && explicitByHeader.size ? explicitOnly(key) : ALIAS_TO_FIELD.get(key));
    if (!field) {
      if (key !== '') ignored.push(header);
      return;
    }
    claimed.set(field, [...(claimed.get(field) ?? []), header]);
    if (map[field] === undefined) map[field] = index;
  });
  const duplicated = [...claimed.entries()].filter(([, hs]) => hs.length > 1).map(([field, hs]) => ({ field, headers: hs }));
  const missing = missingFields((f) => map[f] !== undefined);
  return { map, ignored, missing, duplicated };

  // With an explicit mapping, unmapped headers still fall back to aliases for fields the mapping left out.
  function explicitOnly(key: string): FieldName | undefined {
    const field = ALIAS_TO_FIELD.get(key);
    return field && !(field in explicit) ? field : undefined;
  }
}

/** Required fields not present; an amount in centavos stands in for the amount in reais. */
export function missingFields(has: (field: FieldName) => boolean): FieldName[] {
  return FIELD_NAMES.filter((f) => FIELDS[f].required && !has(f) && !(f === 'amount' && has('amountCents')));
}

export function fieldLabel(field: FieldName | string): string {
  return (FIELDS as Record<string, { label: string }>)[field]?.label ?? field;
}
