/**
 * Provider key shapes. `prefix` is the public part a surrogate keeps (it tells the annotator what
 * kind of key it was, not the key). Patterns are anchored on distinctive prefixes so they need no
 * context; `hint` is a literal that must occur in the text before the regex runs (speed).
 */
export interface SecretPattern {
  readonly id: string;
  readonly hint: string;
  readonly regex: RegExp;
  readonly prefix: RegExp;
}

const p = (id: string, hint: string, regex: RegExp, prefix = /^[A-Za-z]+[_-]?/): SecretPattern => ({ id, hint, regex, prefix });

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  p('aws-access-key', '', /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g, /^(?:AKIA|ASIA|ABIA|ACCA|A3T.)/),
  p('github-token', 'gh', /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, /^gh._/),
  p('github-fine-grained-token', 'github_pat_', /\bgithub_pat_[A-Za-z0-9_]{60,255}\b/g, /^github_pat_/),
  p('anthropic-key', 'sk-ant-', /\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,120}\b/g, /^sk-ant-(?:api|admin)\d\d-/),
  p('openai-key', 'sk-', /\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}\b|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}\b|\bsk-[A-Za-z0-9]{48}\b/g, /^sk-(?:(?:proj|svcacct|admin)-)?/),
  p('slack-token', 'xox', /\bxox[abposer]-(?:\d+-)+[A-Za-z0-9-]{10,}\b|\bxox[abposer]-[A-Za-z0-9-]{20,}\b/g, /^xox.-/),
  p('slack-app-token', 'xapp-', /\bxapp-[0-9]+-[A-Za-z0-9/+-]{10,}/g, /^xapp-/),
  p('slack-webhook', 'hooks.slack.com', /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9/_-]{20,}/g, /^https:\/\/hooks\.slack\.com\//),
  p('stripe-key', '_', /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,247}\b/g, /^.._(?:live|test)_/),
  p('google-api-key', 'AIza', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, /^AIza/),
  p('google-oauth-client-id', '.apps.googleusercontent.com', /\b\d{10,14}-[a-z0-9]{32}\.apps\.googleusercontent\.com\b/g, /^$/),
  p('google-oauth-secret', 'GOCSPX-', /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g, /^GOCSPX-/),
  p('google-oauth-token', 'ya29.', /\bya29\.[0-9A-Za-z_-]{20,}/g, /^ya29\./),
  p('jwt', 'eyJ', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, /^eyJ/),
  p('pem-private-key', 'PRIVATE KEY', /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|$)/g, /^-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----/),
  p('pem-private-key-base64', 'LS0tLS1CRUdJTi', /LS0tLS1CRUdJTi[A-Za-z0-9+/=]{20,}/g, /^$/),
  p('gitlab-token', 'gl', /\bgl(?:pat|ptt|dt|rt|ft|imt|agent|oas|cbt|soat)-[A-Za-z0-9_-]{20,}\b|\bGR1348941[A-Za-z0-9_-]{20}\b/g),
  p('huggingface-token', 'hf_', /\bhf_[A-Za-z]{34,40}\b/g),
  p('npm-token', 'npm_', /\bnpm_[A-Za-z0-9]{36}\b/g),
  p('pypi-token', 'pypi-', /\bpypi-AgE[A-Za-z0-9_-]{50,}/g, /^pypi-/),
  p('sendgrid-key', 'SG.', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, /^SG\./),
  p('digitalocean-token', '_v1_', /\bdo[opr]_v1_[a-f0-9]{64}\b/g, /^do._v1_/),
  p('shopify-token', 'shp', /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g),
  p('doppler-token', 'dp.', /\bdp\.(?:ct|pt|st(?:\.[a-z0-9_-]{2,35})?|sa|scim|audit)\.[A-Za-z0-9]{40,44}\b/g, /^dp\.[a-z.]+\./),
  p('age-secret-key', 'AGE-SECRET-KEY-1', /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g, /^AGE-SECRET-KEY-1/),
  // An age recipient is a public key, but it names the holder of the matching secret one.
  p('age-recipient', 'age1', /\bage1[ac-hj-np-z02-9]{58}\b/g, /^age1/),
  // Okta API tokens: "00" and 40 key characters, after an Okta name or the SSWS auth scheme.
  p('okta-token', '00', /(?<=(?:okta\w*|SSWS)["']?\s*[:=]?\s*["']?)00(?!0{8})[A-Za-z0-9_-]{39}[A-Za-z0-9](?![A-Za-z0-9_-])/gi, /^00/),
  p('hashicorp-vault-token', 'hv', /\bhv[sbr]\.[A-Za-z0-9_-]{24,}\b/g, /^hv[sbr]\./),
  p('hashicorp-vault-token', 'VAULT', /(?<=VAULT[A-Z_]*\W{1,4})[sbr]\.[A-Za-z0-9]{24}\b/g, /^[sbr]\./),
  p('adafruit-key', 'aio_', /\baio_[A-Za-z0-9]{28}\b/g),
  p('artifactory-key', 'AKC', /\bAKC[a-zA-Z0-9]{10,}\b/g, /^AKC/),
  p('atlassian-token', 'ATATT', /\bATATT[A-Za-z0-9_=-]{20,}/g, /^ATATT/),
  p('bitbucket-token', 'ATBB', /\bATBB[A-Za-z0-9_=.-]{20,}/g, /^ATBB/),
  p('databricks-token', 'dapi', /\bdapi[a-f0-9]{32}(?:-\d)?\b/g, /^dapi/),
  p('dependency-track-key', 'odt_', /\bodt_[A-Za-z0-9]{32,}\b/g),
  p('dockerhub-token', 'dckr_', /\bdckr_pat_[A-Za-z0-9_-]{27,}/g, /^dckr_pat_/),
  p('dropbox-token', 'sl.', /\bsl\.[A-Za-z0-9_-]{130,}/g, /^sl\./),
  p('dynatrace-token', 'dt0', /\bdt0[a-z]\d{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}\b/g, /^dt0...\./),
  p('facebook-token', 'EAA', /\bEAA[A-Za-z0-9]{30,}/g, /^EAA/),
  p('firecrawl-key', 'fc-', /\bfc-[a-f0-9]{32}\b/g),
  p('groq-key', 'gsk_', /\bgsk_[A-Za-z0-9]{48,}\b/g),
  p('jina-key', 'jina_', /\bjina_[A-Za-z0-9]{40,}\b/g),
  p('kagi-key', 'iQc.', /\b[A-Za-z0-9]{7}iQc\.[A-Za-z0-9_-]{30,}/g, /^$/),
  p('mailchimp-key', '-us', /\b[a-f0-9]{32}-us\d{1,2}\b/g, /^$/),
  p('mailgun-key', 'key-', /\bkey-[a-f0-9]{32}\b/g),
  p('mapbox-token', '.eyJ', /\b[pst]k\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/g, /^[pst]k\./),
  p('newrelic-key', 'NR', /\bNR(?:AK|AA|II|IQ|RA|JS)-[A-Za-z0-9_-]{20,}|\b(?:[a-z]{2}\d{2}xx)?[a-f0-9]{30,36}NRAL\b/g, /^NR..-/),
  p('newrelic-pixie-key', 'px-', /\bpx-(?:api|dep)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\b/g, /^px-...-/),
  p('nuget-key', 'oy2', /\boy2[a-z0-9]{43}\b/g, /^oy2/),
  p('postman-key', 'PMAK-', /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g),
  p('rubygems-key', 'rubygems_', /\brubygems_[a-f0-9]{48}\b/g),
  p('salesforce-token', '!', /\b00[A-Za-z0-9]{13}![A-Za-z0-9_.]{80,}/g, /^00/),
  p('segment-sourcegraph-token', 'sgp_', /\bsgp_[A-Za-z0-9_]{40,}\b/g),
  p('square-token', 'sq0', /\bsq0(?:atp|csp|idp)-[A-Za-z0-9_-]{22,43}\b|\bEAAA[A-Za-z0-9_-]{60}\b/g, /^sq0...-/),
  p('stackhawk-key', 'hawk.', /\bhawk\.[A-Za-z0-9_-]{20}\.[A-Za-z0-9_-]{20}\b/g, /^hawk\./),
  p('tavily-key', 'tvly-', /\btvly-[A-Za-z0-9]{32}\b/g),
  p('telegram-bot-token', ':AA', /\b\d{8,10}:AA[A-Za-z0-9_-]{32,33}\b/g, /^$/),
  p('twilio-key', '', /\b(?:AC|SK)[a-f0-9]{32}\b/g, /^(?:AC|SK)/),
  p('twitch-stream-key', 'live_', /\blive_\d{6,10}_[A-Za-z0-9]{30}\b/g, /^live_/),
  p('appsync-key', 'da2-', /\bda2-[a-z0-9]{26}\b/g),
  p('azure-storage-key', 'AccountKey=', /AccountKey=[A-Za-z0-9+/]{86}==/g, /^AccountKey=/),
  p('azure-devops-pat', 'AZDO', /\b[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{4}AZDO[A-Za-z0-9]{4}\b/g, /^$/),
  p('msteams-webhook', '/IncomingWebhook/', /https:\/\/[a-z0-9.-]+\.office(?:365)?\.com\/webhook(?:b2)?\/[a-f0-9-]{36}@[a-f0-9-]{36}\/IncomingWebhook\/[a-f0-9]{32}\/[a-f0-9-]{36}/g, /^https:\/\/[a-z0-9.-]+\.office(?:365)?\.com\/webhook/),
  p('password-hash', '$', /\$(?:1|2[abxy]?|5|6|8|9|y|7|gy|argon2i?d?)\$[A-Za-z0-9$./=,+-]{20,}|\$krb5(?:asrep|tgs)\$\d+\$[^\s"']{40,}/g, /^\$[^$]+\$/),
  p('http-basic-auth', 'Basic', /(?<=Authorization:\s*Basic\s+)[A-Za-z0-9+/]{8,}={0,2}/g, /^$/),
  p('http-bearer-token', 'Bearer', /(?<=\bBearer:?\s+)[A-Za-z0-9_.~+/-]{8,}=*/g, /^(?:[a-z]{2,5}_(?:v1_)?|[a-z]{2}\.)?/),
];

/**
 * Near misses (issue 15): a distinctive provider prefix followed by a key body of the wrong length
 * is still that provider's secret, mistyped, truncated or from a format revision (the demo's
 * `ghp_` token one character short stayed in clear). The body must look generated (not filler,
 * not a documented example); the exact patterns above are tried first and win ties.
 */
export const NEAR_MISS_PATTERNS: readonly SecretPattern[] = [
  p('github-token-near-miss', 'gh', /\bgh[pousr]_[A-Za-z0-9]{16,}(?![A-Za-z0-9_])|\bgithub_pat_[A-Za-z0-9_]{22,}/g, /^(?:gh._|github_pat_)/),
  p('anthropic-key-near-miss', 'sk-ant-', /\bsk-ant-[A-Za-z0-9_-]{16,}/g, /^sk-ant-(?:(?:api|admin)\d\d-)?/),
  p('openai-key-near-miss', 'sk-', /\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{24,}/g, /^sk-(?:(?:proj|svcacct|admin)-)?/),
  p('aws-access-key-near-miss', 'IA', /\b(?:AKIA|ASIA)[A-Z0-9]{12,19}(?![A-Za-z0-9])/g, /^(?:AKIA|ASIA)/),
  p('google-api-key-near-miss', 'AIza', /\bAIza[0-9A-Za-z_-]{20,}/g, /^AIza/),
  p('gitlab-token-near-miss', 'gl', /\bgl(?:pat|ptt|dt|rt|ft|oas|soat)-[A-Za-z0-9_-]{12,}/g),
  p('huggingface-token-near-miss', 'hf_', /\bhf_[A-Za-z0-9]{20,}(?![A-Za-z0-9_])/g),
  p('npm-token-near-miss', 'npm_', /\bnpm_[A-Za-z0-9]{20,}(?![A-Za-z0-9_])/g),
  p('stripe-key-near-miss', '_', /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}/g, /^.._(?:live|test)_/),
  p('google-oauth-secret-near-miss', 'GOCSPX-', /\bGOCSPX-[A-Za-z0-9_-]{16,}/g, /^GOCSPX-/),
  p('pypi-token-near-miss', 'pypi-', /\bpypi-AgE[A-Za-z0-9_-]{20,}/g, /^pypi-/),
  p('sendgrid-key-near-miss', 'SG.', /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, /^SG\./),
  p('digitalocean-token-near-miss', '_v1_', /\bdo[opr]_v1_[A-Za-z0-9]{24,}/g, /^do._v1_/),
  p('shopify-token-near-miss', 'shp', /\bshp(?:at|ss|ca|pa)_[A-Za-z0-9]{20,}/g),
  p('dockerhub-token-near-miss', 'dckr_', /\bdckr_pat_[A-Za-z0-9_-]{16,}/g, /^dckr_pat_/),
  p('slack-token-near-miss', 'xox', /\bxox[abposer]-[A-Za-z0-9-]{12,}/g, /^xox.-/),
];

