-- Index series (IPCA, INPC, IGP-M, Selic, TR, taxa legal): public data, the same for every tenant.
create table index_values (
  series       text not null,
  -- 'YYYY-MM' for monthly series, 'YYYY-MM-DD' for daily ones
  period       text not null check (period ~ '^\d{4}-\d{2}(-\d{2})?$'),
  -- percent per period, exact
  value        numeric(20, 10) not null check (value > -100),
  source       text not null,
  imported_at  timestamptz not null default now(),
  primary key (series, period)
);

grant select on index_values to recupera_app;
