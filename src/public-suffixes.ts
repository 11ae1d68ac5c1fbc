/**
 * @module Domain suffixes under which anyone can register a name, beyond the top-level
 * domains themselves: an origin pattern `https://*.co.uk` would allow every site in the UK.
 *
 * Not the whole Public Suffix List (about 10,000 entries, which would outweigh the Worker):
 * the common country second levels (first lines) and the shared hosting domains that sites
 * are most often built on (last three lines). Any single-label suffix (`*.com`) is refused.
 */
export const MULTI_LABEL_PUBLIC_SUFFIXES: ReadonlySet<string> = new Set(
  `
  co.uk org.uk me.uk ltd.uk plc.uk ac.uk gov.uk net.uk sch.uk
  com.au net.au org.au edu.au gov.au id.au
  co.nz net.nz org.nz govt.nz ac.nz
  co.jp ne.jp or.jp ac.jp go.jp gr.jp
  co.kr or.kr ne.kr go.kr ac.kr
  com.cn net.cn org.cn gov.cn edu.cn
  com.hk org.hk net.hk com.tw org.tw net.tw com.sg org.sg edu.sg
  co.in net.in org.in firm.in gen.in ind.in
  com.br net.br org.br gov.br com.ar com.mx org.mx com.co com.pe com.uy
  co.za org.za gov.za com.ng co.ke com.eg com.sa co.il org.il com.tr
  com.pl net.pl org.pl com.ua co.at or.at com.es com.pt com.gr
  co.id or.id com.my com.ph com.vn co.th in.th com.pk com.bd
  github.io gitlab.io pages.dev workers.dev vercel.app netlify.app herokuapp.com
  web.app firebaseapp.com appspot.com azurewebsites.net cloudfront.net amplifyapp.com
  onrender.com fly.dev glitch.me blogspot.com wordpress.com myshopify.com
`
    .split(/\s+/)
    .filter(Boolean),
)

/** True when `*.suffix` would reach sites run by unrelated owners. */
export function isPublicSuffix(suffix: string): boolean {
  return !suffix.includes('.') || MULTI_LABEL_PUBLIC_SUFFIXES.has(suffix)
}
