/**
 * The NAT uplink's nftables table, made with the `nft` command (nft -f -): one table of family
 * ip named nsnet-<lab>, holding one postrouting chain that masquerades the lab's subnets. The
 * table is the lab's whole footprint in the firewall: replacing or deleting it never touches
 * any other table.
 */
import { spawnSync } from 'node:child_process';
import { NsnetError } from '../api/errors.js';
import { ifNameProblem } from '../api/names.js';
import { parseCidr } from '../topology/cidr.js';

const NFT_MISSING = 'the nft command is not installed; install the nftables package (apt-get install nftables)';

function nft(args: string[], input?: string): { status: number | null; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync('nft', args, { input, encoding: 'utf8' });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') return { status: null, stdout: '', stderr: '', missing: true };
    throw new NsnetError('NFT', `cannot run nft: ${r.error.message}`, 'nft');
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, missing: false };
}

export function nftAvailable(): boolean {
  return !nft(['--version']).missing;
}

export function nftTableExists(table: string): boolean {
  const r = nft(['list', 'table', 'ip', table]);
  return !r.missing && r.status === 0;
}

/** The nft script that (re)creates the table atomically: declare, delete, define. */
export function natScript(table: string, subnets: string[], out?: string): string {
  for (const s of subnets) {
    const c = parseCidr(s);
    if (typeof c === 'string' || c.family !== 4) throw new NsnetError('INVALID_ADDRESS', `NAT subnet ${JSON.stringify(s)} is not an IPv4 CIDR`, `nftables table ${table}`);
  }
  // A valid interface name (the one rule) without what would end the nft string or statement.
  if (out !== undefined && (ifNameProblem(out) !== undefined || /["'\\;{}]/u.test(out))) throw new NsnetError('INVALID_NAME', `invalid interface name ${JSON.stringify(out)} for the NAT uplink`, `nftables table ${table}`);
  const match = `ip saddr { ${subnets.join(', ')} }${out !== undefined ? ` oifname "${out}"` : ''}`;
  // Traffic between the lab's own subnets is not masqueraded.
  return [
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip daddr { ${subnets.join(', ')} } return`,
    `    ${match} counter masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function addNat(table: string, subnets: string[], out?: string): void {
  const r = nft(['-f', '-'], natScript(table, subnets, out));
  if (r.missing) throw new NsnetError('NO_NFT', `cannot make nftables table ${table}: ${NFT_MISSING}`, `nftables table ${table}`);
  if (r.status !== 0) throw new NsnetError('NFT', `nft refused table ip ${table}: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`}`, `nftables table ${table}`);
}

/** Delete the table; a table that is not there is not an error. */
export function delNat(table: string): void {
  const r = nft(['-f', '-'], `table ip ${table}\ndelete table ip ${table}\n`);
  if (r.missing) throw new NsnetError('NO_NFT', `cannot delete nftables table ${table}: ${NFT_MISSING}`, `nftables table ${table}`);
  if (r.status !== 0) throw new NsnetError('NFT', `nft could not delete table ip ${table}: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`}`, `nftables table ${table}`);
}
