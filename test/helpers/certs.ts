/**
 * A throwaway certificate authority and a server certificate it signed (for 127.0.0.1 and localhost), made
 * with the system's `openssl` (node:crypto cannot sign X.509 certificates). For the TLS mock server: the
 * client must trust the CA (the `ca` option, or NODE_EXTRA_CA_CERTS) to connect.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  /** The CA's certificate (PEM): what a client has to trust. */
  caPem: string;
  /** Path of the CA certificate file (for NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** The server's key and certificate (PEM), for `startMockServer({ tls: { key, cert } })`. */
  key: string;
  cert: string;
  /** Removes the files. */
  remove(): void;
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'restream-certs-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Restream Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-days', '2', '-out', 'server.pem', '-extfile', 'server.ext');
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return {
    caPem: read('ca.pem'),
    caFile: path.join(dir, 'ca.pem'),
    key: read('server.key'),
    cert: read('server.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
