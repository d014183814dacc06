/** A Brazilian postal address as the importer, the contact points and the enrichment keep it (CEP: 8 digits). */
export interface PostalAddress {
  street: string;
  number: string | null;
  complement: string | null;
  district: string | null;
  city: string;
  uf: string;
  cep: string;
}
