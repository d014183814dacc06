import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError } from './errors.ts';

/**
 * SSRF guard for the URLs the server calls on a tenant's behalf (webhook receivers, ERP exports):
 * a tenant admin must not turn our workers into clients of the internal network (databases,
 * cloud metadata at 169.254.169.254, the server itself). Only http(s), no credentials in the URL,
 * and no private, loopback, link-local, CGNAT, multicast or reserved address — checked on the
 * literal when the URL is saved and on every resolved address at connect time (so a DNS name
 * that later points inside is refused too). Each caller has a setting that lifts the address
 * check (demo, tests, a server on the agency's own network).
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net, prefix, 'ipv4');
// ::/96 holds the deprecated IPv4-compatible addresses ([::127.0.0.1]); 2002::/16 (6to4) and
// 64:ff9b::/96 (NAT64) embed an IPv4 address that may be an internal one.
for (const [net, prefix] of [['::', 96], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96], ['2002::', 16]] as const) BLOCKED.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address (v4 or v6, IPv4-mapped included) is outside the public internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const kind = isIP(address);
  if (kind === 0) return true; // not an address at all: refuse
  return BLOCKED.check(address, kind === 4 ? 'ipv4' : 'ipv6');
}

export interface OutboundUrlRules {
  allowPrivate: boolean;
  /** The setting that lifts the address check, named in the refusal. */
  setting: string;
  /** The input field the pt-BR messages name. */
  field: string;
  /** A complete example URL, shown when the input is not a URL. */
  example: string;
  /** What to do instead of user:password in the URL. */
  credentialsHint: string;
}

/** Checks a URL when it is saved; the pt-BR message names the field and the reason. */
export function checkOutboundUrl(raw: string, rules: OutboundUrlRules): URL {
  const field = { field: rules.field };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation', `URL inválida: informe um endereço completo, como ${rules.example}.`, field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('validation', `URL com protocolo ${url.protocol.replace(':', '')} recusada: só http e https.`, field);
  }
  if (url.username || url.password) throw new AppError('validation', `URL com usuário e senha recusada: ${rules.credentialsHint}.`, field);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!rules.allowPrivate) {
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) {
      throw new AppError('validation', `URL recusada: ${host} é um endereço interno (${rules.setting}=false).`, field);
    }
    if (isIP(host) && isPrivateAddress(host)) {
      throw new AppError('validation', `URL recusada: ${host} é um endereço privado, de loopback ou reservado (${rules.setting}=false).`, field);
    }
  }
  return url;
}

/** Whether a URL's host is a literal private address (checked again before connecting). */
export function isPrivateLiteral(url: URL): boolean {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(literal) !== 0 && isPrivateAddress(literal);
}

/**
 * A DNS lookup for http(s).request that refuses a name resolving to any private address (unless
 * allowed), so the check holds at connect time and not only when the URL was saved.
 */
export function guardedLookup(allowPrivate: boolean, refusal = 'endereço privado recusado'): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      const list = Array.isArray(addresses) ? addresses : [];
      if (!allowPrivate && list.some((a) => isPrivateAddress(a.address))) {
        return callback(Object.assign(new Error(refusal), { code: 'EPRIVATE' }), '', 4);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error('nome não resolvido'), { code: 'ENOTFOUND' }), '', 4);
      callback(null, first.address, first.family);
    });
  };
}
