/** Word lists for fictitious people, companies and places of the demo portfolio. */

export const FIRST_NAMES = [
  'Ana', 'Maria', 'Juliana', 'Fernanda', 'Patrícia', 'Aline', 'Camila', 'Bruna', 'Larissa', 'Letícia', 'Beatriz', 'Gabriela',
  'Mariana', 'Vanessa', 'Adriana', 'Simone', 'Cláudia', 'Luciana', 'Renata', 'Tatiane', 'José', 'João', 'Antônio', 'Francisco',
  'Carlos', 'Paulo', 'Pedro', 'Lucas', 'Luiz', 'Marcos', 'Luís', 'Gabriel', 'Rafael', 'Daniel', 'Marcelo', 'Bruno', 'Eduardo',
  'Felipe', 'Raimundo', 'Rodrigo', 'Sebastião', 'Thiago', 'Diego', 'Leandro', 'Vinícius', 'Gustavo', 'Fábio', 'Sérgio',
];

export const SURNAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro',
  'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias', 'Nascimento', 'Andrade',
  'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas', 'Cardoso', 'Ramos', 'Gonçalves', 'Santana', 'Teixeira', 'Araújo',
];

export const COMPANY_WORDS = [
  'Aurora', 'Boa Vista', 'Cerrado', 'Estrela', 'Horizonte', 'Ipê', 'Jacarandá', 'Litoral', 'Mirante', 'Nascente', 'Pantanal',
  'Planalto', 'Primavera', 'Serra Azul', 'Sol Nascente', 'Vale Verde', 'Rio Claro', 'Três Marias', 'Bandeirantes', 'Araucária',
];
export const COMPANY_TRADES = [
  'Mercearia', 'Materiais de Construção', 'Padaria', 'Farmácia', 'Autopeças', 'Papelaria', 'Restaurante', 'Supermercado',
  'Comércio de Alimentos', 'Distribuição', 'Ferragens', 'Confecções', 'Transportes', 'Informática', 'Hortifrúti', 'Calçados',
];
export const COMPANY_SUFFIXES = ['Ltda', 'ME', 'EPP', 'Ltda ME', 'S.A.', 'EIRELI'];

export const STREETS = [
  'Rua das Flores', 'Avenida Brasil', 'Rua Sete de Setembro', 'Rua XV de Novembro', 'Avenida Getúlio Vargas', 'Rua Tiradentes',
  'Rua Dom Pedro II', 'Avenida Santos Dumont', 'Rua São José', 'Rua da Paz', 'Travessa Boa Esperança', 'Rua Rui Barbosa',
  'Avenida Independência', 'Rua Marechal Deodoro', 'Rua Castro Alves', 'Alameda dos Ipês', 'Rua Duque de Caxias', 'Rua Bahia',
];
export const DISTRICTS = ['Centro', 'Jardim América', 'Vila Nova', 'Boa Vista', 'Santa Cruz', 'São José', 'Jardim Europa', 'Industrial', 'Cidade Nova', 'Bela Vista'];

/** City, UF, area code and the first five CEP digits it uses (the CEP then matches its UF). */
export const CITIES: ReadonlyArray<{ city: string; uf: string; ddd: number; cep: [number, number]; weight: number }> = [
  { city: 'São Paulo', uf: 'SP', ddd: 11, cep: [1000, 5999], weight: 18 },
  { city: 'Campinas', uf: 'SP', ddd: 19, cep: [13000, 13149], weight: 4 },
  { city: 'Santos', uf: 'SP', ddd: 13, cep: [11000, 11099], weight: 2 },
  { city: 'Rio de Janeiro', uf: 'RJ', ddd: 21, cep: [20000, 23799], weight: 10 },
  { city: 'Niterói', uf: 'RJ', ddd: 21, cep: [24000, 24399], weight: 2 },
  { city: 'Belo Horizonte', uf: 'MG', ddd: 31, cep: [30000, 31999], weight: 7 },
  { city: 'Uberlândia', uf: 'MG', ddd: 34, cep: [38400, 38415], weight: 2 },
  { city: 'Vitória', uf: 'ES', ddd: 27, cep: [29000, 29099], weight: 2 },
  { city: 'Salvador', uf: 'BA', ddd: 71, cep: [40000, 42599], weight: 5 },
  { city: 'Recife', uf: 'PE', ddd: 81, cep: [50000, 52999], weight: 4 },
  { city: 'Fortaleza', uf: 'CE', ddd: 85, cep: [60000, 61599], weight: 4 },
  { city: 'Maceió', uf: 'AL', ddd: 82, cep: [57000, 57099], weight: 2 },
  { city: 'Aracaju', uf: 'SE', ddd: 79, cep: [49000, 49099], weight: 1 },
  { city: 'João Pessoa', uf: 'PB', ddd: 83, cep: [58000, 58099], weight: 2 },
  { city: 'Natal', uf: 'RN', ddd: 84, cep: [59000, 59139], weight: 2 },
  { city: 'Teresina', uf: 'PI', ddd: 86, cep: [64000, 64099], weight: 1 },
  { city: 'São Luís', uf: 'MA', ddd: 98, cep: [65000, 65109], weight: 2 },
  { city: 'Belém', uf: 'PA', ddd: 91, cep: [66000, 66999], weight: 2 },
  { city: 'Macapá', uf: 'AP', ddd: 96, cep: [68900, 68914], weight: 1 },
  { city: 'Manaus', uf: 'AM', ddd: 92, cep: [69000, 69099], weight: 3 },
  { city: 'Boa Vista', uf: 'RR', ddd: 95, cep: [69300, 69339], weight: 1 },
  { city: 'Rio Branco', uf: 'AC', ddd: 68, cep: [69900, 69923], weight: 1 },
  { city: 'Porto Velho', uf: 'RO', ddd: 69, cep: [76800, 76834], weight: 1 },
  { city: 'Cuiabá', uf: 'MT', ddd: 65, cep: [78000, 78099], weight: 2 },
  { city: 'Campo Grande', uf: 'MS', ddd: 67, cep: [79000, 79124], weight: 2 },
  { city: 'Goiânia', uf: 'GO', ddd: 62, cep: [74000, 74899], weight: 3 },
  { city: 'Brasília', uf: 'DF', ddd: 61, cep: [70000, 72799], weight: 4 },
  { city: 'Palmas', uf: 'TO', ddd: 63, cep: [77000, 77270], weight: 1 },
  { city: 'Curitiba', uf: 'PR', ddd: 41, cep: [80000, 82999], weight: 5 },
  { city: 'Londrina', uf: 'PR', ddd: 43, cep: [86000, 86099], weight: 1 },
  { city: 'Florianópolis', uf: 'SC', ddd: 48, cep: [88000, 88099], weight: 2 },
  { city: 'Joinville', uf: 'SC', ddd: 47, cep: [89200, 89239], weight: 2 },
  { city: 'Porto Alegre', uf: 'RS', ddd: 51, cep: [90000, 91999], weight: 5 },
  { city: 'Caxias do Sul', uf: 'RS', ddd: 54, cep: [95000, 95124], weight: 1 },
];

/** Reserved top-level domain (RFC 2606): no demo e-mail can reach a real mailbox. */
export const EMAIL_DOMAINS = ['correio.test', 'webmail.test', 'provedor.test', 'mail.exemplo.test'];
