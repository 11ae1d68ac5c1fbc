/**
 * @module Domain suffixes under which anyone can register a name, beyond the top-level
 * domains themselves: an origin pattern `https://*.co.uk` would allow every site in the UK,
 * and `https://*.s3.amazonaws.com` every bucket in S3.
 *
 * Not the whole Public Suffix List (https://publicsuffix.org/list/, about 16,000 lines, which
 * would outweigh the Worker): the common country second levels of its ICANN section (first
 * lines), and from its private section the shared hosting domains sites are most often built
 * on or tunnelled through (the rest), each as the list names it — a test holds every entry to
 * the list (through `tldts`, which bundles it). Amazon's domains are refused whole (below).
 * Any single-label suffix (`*.com`) is refused.
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
  github.io gitlab.io pages.dev workers.dev r2.dev vercel.app netlify.app herokuapp.com
  web.app firebaseapp.com appspot.com azurewebsites.net azurestaticapps.net cloudfront.net amplifyapp.com
  onrender.com fly.dev blogspot.com myshopify.com run.app cloudfunctions.net
  ngrok.io ngrok.app ngrok-free.app ngrok.dev ngrok-free.dev trycloudflare.com
  deno.dev up.railway.app replit.dev repl.co webflow.io
`
    .split(/\s+/)
    .filter(Boolean),
)

/**
 * Amazon's domains, under which the list names hundreds of per-region shared names
 * (`s3.eu-west-1.amazonaws.com`, `execute-api.…`, `*.compute.amazonaws.com`,
 * `lambda-url.….on.aws`, `<region>.elasticbeanstalk.com`): a wildcard anywhere below them is
 * refused. One customer's names there have no subdomains of their own to match (a bucket, an
 * API), so exact origins serve instead.
 */
const SHARED_ROOTS = ['amazonaws.com', 'on.aws', 'elasticbeanstalk.com', 'awsapprunner.com']

/** True when `*.suffix` would reach sites run by unrelated owners. */
export function isPublicSuffix(suffix: string): boolean {
  return (
    !suffix.includes('.') ||
    MULTI_LABEL_PUBLIC_SUFFIXES.has(suffix) ||
    SHARED_ROOTS.some((root) => suffix === root || suffix.endsWith(`.${root}`))
  )
}
