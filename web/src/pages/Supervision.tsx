import { useState } from 'react';
import { api } from '../api.ts';
import { Card, DataTable, ErrorBox, Field, Loading, Page, type Column } from '../components/ui.tsx';
import { csvMoney } from '../csv.ts';
import { brl, dateBR, percent } from '../format.ts';
import { useLoad } from '../hooks.ts';

interface Figures {
  casesWorked: number;
  attempts: number;
  answered: number;
  rightPartyContacts: number;
  promises: number;
  loggedHours: number | string;
  contactsPerHour: number | string | null;
  rightPartyContactRate: string | number | null;
  promiseRate: string | number | null;
  promisesKept: number;
  agreements: number;
  agreedCents: number;
  receivedCents: number;
  openCases: number;
}
interface Supervision {
  from: string;
  to: string;
  collectors: Array<Figures & { userId: string; name: string; team: string | null }>;
  teams: Array<Figures & { team: string }>;
}

const rate = (v: string | number | null) => percent(v === null ? null : String(v), 1);

function figureColumns<T extends Figures>(): Column<T>[] {
  return [
    { header: 'Casos trabalhados', cell: (r) => r.casesWorked, numeric: true },
    { header: 'Tentativas', cell: (r) => r.attempts, numeric: true },
    { header: 'Atendidas', cell: (r) => r.answered, numeric: true },
    { header: 'CPC', cell: (r) => r.rightPartyContacts, numeric: true },
    { header: 'Taxa de CPC', cell: (r) => rate(r.rightPartyContactRate), numeric: true },
    { header: 'Promessas', cell: (r) => r.promises, numeric: true },
    { header: 'Taxa de promessa', cell: (r) => rate(r.promiseRate), numeric: true },
    { header: 'Contatos/hora', cell: (r) => (r.contactsPerHour === null ? '—' : String(r.contactsPerHour).replace('.', ',')), numeric: true },
    { header: 'Acordos', cell: (r) => r.agreements, numeric: true },
    { header: 'Valor acordado', cell: (r) => brl(r.agreedCents), csv: (r) => csvMoney(r.agreedCents), numeric: true },
    { header: 'Recebido', cell: (r) => brl(r.receivedCents), csv: (r) => csvMoney(r.receivedCents), numeric: true },
    { header: 'Casos abertos', cell: (r) => r.openCases, numeric: true },
  ];
}

/** The supervisor's live figures per collector and team (GET /api/supervision). */
export function SupervisionPage() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const data = useLoad(() => api.get<Supervision>('/api/supervision', { from, to }), [from, to]);
  return (
    <Page title="Supervisão">
      <Card>
        <div className="inline-form wrap">
          <Field label="De">{(id) => <input id={id} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}</Field>
          <Field label="Até">{(id) => <input id={id} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}</Field>
          {data.data && (
            <p className="muted">
              Período: {dateBR(data.data.from)} a {dateBR(data.data.to)}
            </p>
          )}
        </div>
      </Card>
      <ErrorBox error={data.error} />
      {!data.data ? (
        <Loading />
      ) : (
        <>
          <Card title="Por operador">
            <DataTable caption="Operadores" csvName="supervisao-operadores" rowKey={(r) => r.userId} rows={data.data.collectors} columns={[{ header: 'Operador', cell: (r) => r.name }, { header: 'Equipe', cell: (r) => r.team ?? '—' }, ...figureColumns<Supervision['collectors'][number]>()]} />
          </Card>
          <Card title="Por equipe">
            <DataTable caption="Equipes" csvName="supervisao-equipes" rowKey={(r) => r.team} rows={data.data.teams} columns={[{ header: 'Equipe', cell: (r) => r.team }, ...figureColumns<Supervision['teams'][number]>()]} />
          </Card>
        </>
      )}
    </Page>
  );
}
